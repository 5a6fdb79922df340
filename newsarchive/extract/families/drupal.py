"""Drupal: Views listings (`views-row`) and node teasers, the largest list on the page."""

from newsarchive.extract.dom import has_class
from newsarchive.extract.families.base import Family

FAMILY = Family(
    name="drupal",
    markers=("drupal", "views-row", "node--view-mode-teaser", "node-teaser"),
    detect=(
        "//meta[translate(@name, 'G', 'g')='generator'][starts-with(@content, 'Drupal')]"
        f" | //*[{has_class('views-row')}] | //*[contains(@class, 'node--view-mode-teaser')]"
    ),
    entry=(
        f"//*[{has_class('views-row')}] | //*[contains(@class, 'node--view-mode-teaser')]"
        f" | //*[{has_class('node-teaser')}]"
    ),
    headline=(
        f".//*[{has_class('views-field-title')}]//a[@href]",
        f".//*[{has_class('node__title')}]//a[@href]",
        ".//*[self::h2 or self::h3 or self::h4]//a[@href]",
        ".//a[@rel='bookmark']",
    ),
    teaser=(
        f".//*[{has_class('views-field-body')}]",
        ".//*[contains(@class, 'views-field-field-summary')]",
        f".//*[{has_class('field--name-body')}]",
        f".//*[{has_class('node__content')}]",
        f".//*[{has_class('field-name-body')}]",
    ),
    teaser_fallback=True,
    date=(".//time/@datetime", ".//*[@property='dc:date']/@content"),
    date_text=(
        f".//*[{has_class('views-field-created')}]",
        ".//*[contains(@class, 'views-field-field-date')]",
        f".//*[{has_class('node__submitted')}]",
        f".//*[{has_class('submitted')}]",
    ),
    author=(
        f".//*[{has_class('views-field-name')}]",
        f".//*[{has_class('views-field-uid')}]",
        f".//*[{has_class('field--name-uid')}]",
        f".//*[{has_class('username')}]",
    ),
    group=(
        f"ancestor::*[{has_class('view-content')} or {has_class('view')}][1]"
        " | ancestor::*[self::main or @role='main'][1]"
    ),
)
