"""Bounds on the work one listing page may cause.

A listing page shows tens of stories, rarely a few hundred; a page with thousands of story links
is an archive dump or a trap. Only the first MAX_STORIES entries of a page are read, which keeps
extraction time linear in the page's size and bounded per story (tests/test_extract.py checks
that a 20,000-story page yields exactly MAX_STORIES stories).
"""

MAX_STORIES = 1000
