from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from w3lib.url import canonicalize_url

from newsarchive.extract.links import absolute_href
from newsarchive.urls import _ALREADY_CANONICAL, canonical_url, host_of, is_web_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://News.Example.ORG/a/b/", "https://news.example.org/a/b/"),
        ("https://example.org/a/#comments", "https://example.org/a/"),
        ("https://example.org/a/?utm_source=tw&utm_medium=x", "https://example.org/a/"),
        ("https://example.org/a/?fbclid=1&gclid=2&mc_cid=3&id=7", "https://example.org/a/?id=7"),
        ("https://example.org/a/?b=2&a=1", "https://example.org/a/?a=1&b=2"),
        ("https://example.org/Path/Case/", "https://example.org/Path/Case/"),
        # Session ids, which would make one page look like endless new pages.
        (
            "https://example.org/tag/x/page/2/?PHPSESSID=9f2c&p=2",
            "https://example.org/tag/x/page/2/?p=2",
        ),
        ("https://example.org/tag/x/;jsessionid=A1B2?page=2", "https://example.org/tag/x/?page=2"),
        ("https://example.org/a/?sid=42", "https://example.org/a/?sid=42"),  # may select content
        ("https://example.org/a/?FBCLID=1", "https://example.org/a/"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/tag/x/", True),
        ("http://127.0.0.1:8000/", True),
        ("ftp://example.org/", False),
        ("file:///etc/passwd", False),
        ("example.org/tag/x/", False),
        ("https://", False),
        ("http://[::1", False),
    ],
)
def test_is_web_url(url: str, ok: bool) -> None:
    assert is_web_url(url) is ok


def test_host_of_ignores_www() -> None:
    assert host_of("https://WWW.Example.org/x") == "example.org"


@settings(max_examples=500, deadline=None)
@given(st.from_regex(_ALREADY_CANONICAL, fullmatch=True))
def test_fast_path_only_takes_urls_w3lib_leaves_unchanged(url: str) -> None:
    assert canonicalize_url(url, keep_fragments=False) == url


HREF = st.one_of(
    st.from_regex(
        r"(https?://[a-zA-Z0-9.-]{1,12}(:[0-9]{1,5})?)?/[a-zA-Z0-9/._~%?=&#-]{0,20}", fullmatch=True
    ),
    st.text(alphabet="/.:?#ab%[] \t", max_size=12),
)
BASE = st.sampled_from([
    "https://news.example.org/tag/peru/page/2/", "http://127.0.0.1:8080/a/b?x=1",
    "https://news.example.org/a/./b/", "https://[::1]:8000/x/", "https://news.example.org",
])  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(HREF, BASE)
def test_link_fast_paths_resolve_as_urljoin_does(href: str, base: str) -> None:
    expected = _slow_absolute_href(href, base)
    assert absolute_href(href, base) == expected


def _slow_absolute_href(href: str, base: str) -> str | None:
    href = "".join(href.strip().split("\t")).replace("\n", "").replace("\r", "")
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        return url if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:
        return None
