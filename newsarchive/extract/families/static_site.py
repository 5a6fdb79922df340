"""Static-site generators (Hugo, Jekyll): their themes' post lists, read by generator meta."""

from newsarchive.extract.dom import has_class
from newsarchive.extract.families.base import SHARED, Family

FAMILY = Family(
    name="hugo-jekyll",
    markers=("hugo", "jekyll"),
    detect=(
        "//meta[@name='generator']"
        "[starts-with(@content, 'Hugo') or starts-with(@content, 'Jekyll')]"
    ),
    entry=(
        f"//ul[{has_class('post-list')}]/li | //*[{has_class('post-list')}]/article"
        f" | //article[{has_class('post-entry')}] | //*[{has_class('post-preview')}]"
        f" | //*[{has_class('posts')}]/article | //*[{has_class('posts')}]/li"
        " | //main//article"
    ),
    headline=(
        f".//a[{has_class('post-link')}]",
        f".//*[{has_class('entry-title')} or {has_class('post-title')}]//a[@href]",
        ".//*[self::h1 or self::h2 or self::h3]//a[@href]",
        f".//*[{has_class('entry-title')} or {has_class('post-title')}]",
        ".//*[self::h1 or self::h2 or self::h3]",
    ),
    link=(f".//a[{has_class('entry-link')}]", ".//a[@href]"),
    group=SHARED,
)
