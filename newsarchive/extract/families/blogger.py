"""Blogger (blogspot and custom domains): `post-outer` entries, `abbr.published` dates."""

from newsarchive.extract.dom import has_class
from newsarchive.extract.families.base import Family

FAMILY = Family(
    name="blogger",
    markers=("blogger", "post-outer", "blog-pager-older-link"),
    detect=(
        "//meta[@name='generator'][translate(@content, 'B', 'b')='blogger']"
        f" | //*[{has_class('post-outer')}] | //a[{has_class('blog-pager-older-link')}]"
    ),
    entry=f"//*[{has_class('post-outer')}]",
    headline=(
        f".//*[{has_class('post-title')}]//a[@href]",
        f".//*[{has_class('entry-title')}]//a[@href]",
        f".//*[{has_class('post-title')}]",
    ),
    link=(f".//a[{has_class('timestamp-link')}]",),
    teaser=(
        f".//*[{has_class('post-body')}]",
        f".//*[{has_class('entry-content')}]",
        f".//*[{has_class('post-snippet')}]",
        f".//*[{has_class('snippet-item')}]",
    ),
    date=(
        f".//abbr[{has_class('published')}]/@title",
        f".//time[{has_class('published')}]/@datetime",
        f".//*[{has_class('published')}]/@title",
        ".//time/@datetime",
    ),
    author=(
        f".//*[{has_class('post-author')}]//*[{has_class('fn')}]",
        f".//*[{has_class('post-author')}]//a",
        f".//*[{has_class('byline-author')}]",
    ),
)
