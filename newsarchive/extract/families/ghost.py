"""Ghost themes (Casper and its descendants): `post-card` entries."""

from newsarchive.extract.dom import has_class
from newsarchive.extract.families.base import Family

FAMILY = Family(
    name="ghost",
    markers=("ghost", "post-card"),
    detect=(
        "//meta[@name='generator'][starts-with(@content, 'Ghost')]"
        f" | //article[{has_class('post-card')}]"
    ),
    entry=f"//*[self::article or self::div][{has_class('post-card')}]",
    headline=(f".//*[{has_class('post-card-title')}]",),
    link=(
        f".//a[{has_class('post-card-content-link')}]",
        f".//a[{has_class('post-card-image-link')}]",
        ".//a[@href]",
    ),
    teaser=(f".//*[{has_class('post-card-excerpt')}]",),
    date=(".//time/@datetime",),
    author=(
        f".//*[{has_class('post-card-byline-content')}]//a",
        f".//*[{has_class('post-card-meta-author')}]",
        f".//*[{has_class('author-name')}]",
    ),
)
