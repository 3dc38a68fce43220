"""read_article: plain text, Markdown, HTML (boilerplate stripped), encodings and clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cloudmap.errors import CloudmapError
from cloudmap.intake import Article, read_article

CORPUS = Path(__file__).resolve().parent / "fixtures" / "intake" / "corpus"


def test_plain_text_is_kept_as_is():
    a = read_article(
        "note.txt", data=b"Alibaba Cloud opened a region.\r\n\r\n\r\n\r\nSecond paragraph.\n"
    )
    assert a == Article(
        text="Alibaba Cloud opened a region.\n\nSecond paragraph.",
        title=None,
        date=None,
        kind="text",
    )


def test_html_boilerplate_is_stripped_and_metadata_read():
    a = read_article(CORPUS / "en" / "03-sydney-mumbai-closure.html")
    assert a.kind == "html"
    assert a.title == "Alibaba Cloud to shut its Australian and Indian data centres"
    assert a.date == dt.date(2024, 6, 28)
    assert "will close its regions in Sydney and Mumbai" in a.text
    for boilerplate in (
        "About us",
        "All rights reserved",
        "Cookie settings",
        "opens data centre in Germany",
    ):
        assert boilerplate not in a.text


def test_html_is_sniffed_without_a_suffix():
    page = (
        b"<!DOCTYPE html><html><head><title>T</title></head><body><article><p>"
        + b"Alibaba Cloud opened a second data centre in Dubai. " * 5
        + b"</p></article></body></html>"
    )
    a = read_article("https://example.test/news/123", data=page)
    assert a.kind == "html" and "second data centre in Dubai" in a.text


def test_html_declared_charset_is_honoured():
    body = "<p>" + "阿里云宣布其位于迪拜的第二个数据中心正式启用。" * 4 + "</p>"
    page = f'<html><head><meta charset="gb18030"><title>迪拜</title></head><body><article>{body}</article></body></html>'
    a = read_article("page.html", data=page.encode("gb18030"))
    assert "迪拜的第二个数据中心" in a.text


def test_markdown_title_front_matter_and_links():
    md = b"---\ntitle: Front title\ndate: 2025-10-14\n---\n# Heading\n\nAlibaba Cloud [opened](https://x.test) a **second** data centre in Dubai.\n"
    a = read_article("post.md", data=md)
    assert a.kind == "markdown"
    assert a.title == "Front title" and a.date == dt.date(2025, 10, 14)
    assert a.text == "Heading\n\nAlibaba Cloud opened a second data centre in Dubai."


def test_markdown_h1_is_the_title():
    a = read_article(CORPUS / "fr" / "03-region-mexique.md")
    assert a.title == "Alibaba Cloud inaugure sa région mexicaine"
    assert a.text.startswith("Alibaba Cloud inaugure sa région mexicaine\n\nAlibaba Cloud a lancé")
    assert "#" not in a.text


def test_utf8_bom_and_utf16_bom():
    assert read_article("a.txt", data="\ufeffAlibaba".encode()).text == "Alibaba"
    assert read_article("a.txt", data="Alibaba 阿里云".encode("utf-16")).text == "Alibaba 阿里云"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Querétaro région".encode("latin-1"), "not valid UTF-8"),
        (b"ok" + bytes(range(1, 9)) * 20, "binary"),
    ],
)
def test_bad_input_raises_a_clear_cloudmap_error(data, message):
    with pytest.raises(CloudmapError, match=message):
        read_article("input.txt", data=data)


def test_html_with_a_charset_it_does_not_match():
    page = b'<html><head><meta charset="shift_jis"></head><body>\xff\xfd\xff</body></html>'
    with pytest.raises(CloudmapError, match="declares charset 'shift_jis'"):
        read_article("x.html", data=page)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CloudmapError, match="no such file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(CloudmapError, match="folder"):
        read_article(tmp_path)


def test_html_without_article_text():
    with pytest.raises(CloudmapError, match="no article text"):
        read_article(
            "x.html",
            data=b"<html><head><script>var x = 1;</script></head><body><img src='a.png'></body></html>",
        )


def test_data_is_keyword_only():
    with pytest.raises(TypeError):
        read_article("x.txt", b"text")  # type: ignore[misc]


def test_invisible_characters_news_pages_carry_are_dropped():
    """A soft hyphen or zero-width space in a headline would make the drafted seed fail
    validation, and the printed command with it: the article comes out as it looks."""
    data = (
        "# Alibaba Cloud opens a region in the Nether\u00adlands\u200b\n\n"
        "The new re\u00adgion in Amster\u200bdam is live.\ufeff\n"
    ).encode()
    art = read_article("news.md", data=data)
    assert art.title == "Alibaba Cloud opens a region in the Netherlands"
    assert "The new region in Amsterdam is live." in art.text
    assert not set("\u00ad\u200b\ufeff") & set(art.text)
