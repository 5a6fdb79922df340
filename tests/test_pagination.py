"""The next (older) page: rel=next, next/older words in many languages, pagers, URL patterns."""

from __future__ import annotations

import pytest
from parsel import Selector

from newsarchive.extract.pagination import find_next_page

URL = "https://news.example/tag/peru/"


def next_of(body: str, url: str = URL, head: str = "") -> str | None:
    page = Selector(text=f"<html><head>{head}</head><body>{body}</body></html>")
    return find_next_page(page, url, url)


def test_link_rel_next_in_head_wins() -> None:
    head = '<link rel="next" href="/tag/peru/page/2/">'
    body = '<a href="/tag/peru/page/9/">Next</a>'
    assert next_of(body, head=head) == "https://news.example/tag/peru/page/2/"


@pytest.mark.parametrize(
    "label",
    ["Next", "Older posts", "« Older Entries", "Siguiente »", "Entradas anteriores",
     "Suivant", "Weiter", "Próxima", "Successivo", "Следующая", "下一页", "次のページ", "›", "»",
     "← Ältere Einträge", "Pagina successiva »", "След."],
)  # fmt: skip
def test_next_words_and_arrows(label: str) -> None:
    body = f'<a href="/tag/peru/page/1/">Newer posts</a> <a href="/tag/peru/page/2/">{label}</a>'
    assert next_of(body) == "https://news.example/tag/peru/page/2/"


@pytest.mark.parametrize(
    "label",
    ["Newer posts", "« Previous", "Anterior", "Précédent", "Ultima »", "Last »", "«", "首页"],
)
def test_newer_previous_first_and_last_are_never_next(label: str) -> None:
    assert next_of(f'<a href="/tag/peru/page/7/">{label}</a>') is None


def test_wordpress_nav_previous_holds_the_older_page() -> None:
    body = (
        '<div class="nav-previous"><a href="/tag/peru/page/2/"><span>&larr;</span></a></div>'
        '<div class="nav-next"><a href="/tag/peru/">&rarr;</a></div>'
    )
    assert next_of(body, url="https://news.example/tag/peru/page/1/") == (
        "https://news.example/tag/peru/page/2/"
    )


def test_blogger_newer_link_is_not_followed() -> None:
    body = (
        "<a class='blog-pager-newer-link' href='/search?updated-max=2024-08-01T00:00:00Z"
        "&amp;reverse-paginate=true'>›</a>"
        "<a class='blog-pager-older-link' href='/search?updated-max=2024-07-01T00:00:00Z'>›</a>"
    )
    assert next_of(body) == "https://news.example/search?updated-max=2024-07-01T00:00:00Z"


def test_numbered_pager_without_a_next_word() -> None:
    body = (
        '<div class="pages"><a href="/tag/peru/page/3/">3</a><span class="current">4</span>'
        '<a href="/tag/peru/page/5/">5</a><a href="/tag/peru/page/6/">6</a></div>'
    )
    assert next_of(body, url="https://news.example/tag/peru/page/4/") == (
        "https://news.example/tag/peru/page/5/"
    )


def test_unmarked_current_number_among_links() -> None:
    body = '<p><a href="?p=1">1</a> <b>2</b> <a href="?p=3">3</a></p>'
    assert next_of(body, url="https://news.example/list?p=2") == "https://news.example/list?p=3"


@pytest.mark.parametrize(
    ("url", "link", "expected"),
    [
        ("https://n.example/tag/x/", "/tag/x/page/2/", "https://n.example/tag/x/page/2/"),
        ("https://n.example/tag/x/page/4/", "/tag/x/page/5/", "https://n.example/tag/x/page/5/"),
        ("https://n.example/tag/x", "/tag/x?page=1", "https://n.example/tag/x?page=1"),
        ("https://n.example/list?paged=3&cat=2", "/list?paged=4&cat=2", "https://n.example/list?paged=4&cat=2"),
    ],
)  # fmt: skip
def test_url_patterns_for_unlabelled_links(url: str, link: str, expected: str) -> None:
    assert next_of(f'<a href="{link}"><img src="/arrow.png" alt=""></a>', url=url) == expected


def test_icon_link_described_by_aria_label() -> None:
    body = '<a class="page-link" aria-label="Go to next page" href="/tag/peru?start=10"><i></i></a>'
    assert next_of(body) == "https://news.example/tag/peru?start=10"


def test_link_to_the_page_itself_is_no_next_page() -> None:
    assert next_of('<a href="/tag/peru/">Next</a>') is None


def test_last_page_has_no_next() -> None:
    body = '<a href="?page=4">« Previous</a> <a href="?page=1">1</a> <span class="active">5</span>'
    assert next_of(body, url="https://shop.example/blog/?page=5") is None
