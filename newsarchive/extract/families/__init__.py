"""Known CMS families, most specific first: each recognises its own markup or stands aside."""

from newsarchive.extract.families import (
    blogger,
    drupal,
    ghost,
    joomla,
    static_site,
    wordpress,
    wordpress_blocks,
)
from newsarchive.extract.families.base import Family, extract_family

FAMILIES: tuple[Family, ...] = (
    blogger.FAMILY,
    wordpress_blocks.FAMILY,
    ghost.FAMILY,
    drupal.FAMILY,
    joomla.TABLE,
    joomla.BLOG,
    static_site.FAMILY,
    wordpress.FAMILY,
)

__all__ = ["FAMILIES", "Family", "extract_family"]
