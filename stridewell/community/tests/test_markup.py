"""Markdown in stories and comments: the few things we allow, and nothing that can run or load."""

from html.parser import HTMLParser

import pytest

from stridewell.community.markup import plain_text, render


def test_the_allowed_formatting_comes_through():
    html = render("Some **bold**, *soft* and `code`.\n\n- one\n- two\n\n> a quote")
    assert "<strong>bold</strong>" in html
    assert "<em>soft</em>" in html
    assert "<code>code</code>" in html
    assert "<ul>\n<li>one</li>" in html
    assert "<blockquote>" in html


def test_links_get_rel_and_keep_only_safe_schemes():
    html = render("[park](https://parkrun.org.uk) and [mail](mailto:hi@example.org)")
    assert '<a href="https://parkrun.org.uk" rel="nofollow noopener ugc">park</a>' in html
    assert 'href="mailto:hi@example.org"' in html


class Tags(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


ALLOWED = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"}


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<div onmouseover="alert(1)">hover</div>',
        "<iframe src=https://evil.example></iframe>",
        '[x](https://ok.example "title" onclick=alert(1))',
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
        "![x](javascript:alert(1))",
        "[![img](https://t.example/p.png)](javascript:alert(1))",
    ],
)
def test_xss_attempts_are_neutralised(attack):
    for headings in (False, True):
        for tag, attrs in Tags(render(attack, headings=headings)).found:
            assert tag in ALLOWED | {"h2", "h3", "h4"}
            if tag == "a":
                assert set(attrs) <= {"href", "rel"}
                assert attrs["rel"] == "nofollow noopener ugc"
                assert (attrs.get("href") or "https:").startswith(("https:", "http:", "mailto:"))
            else:
                assert not attrs


def test_raw_html_is_shown_as_text_not_markup():
    assert render("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>"


def test_images_never_load_anything():
    html = render("![a cat on a run](https://tracker.example/pixel.png)", headings=True)
    assert html == "<p>a cat on a run</p>"
    assert "tracker.example" not in html


def test_relative_links_lose_their_target():
    assert "href" not in render("[home](/settings/)")


def test_headings_only_in_stories_and_shifted_below_the_page_title():
    story = render("# Why I run\n\n## Week one\n\n#### Deep", headings=True)
    assert "<h2>Why I run</h2>" in story and "<h3>Week one</h3>" in story
    assert "<h4>Deep</h4>" in story and "<h1" not in story and "<h5" not in story
    comment = render("# Shouting")
    assert "<h" not in comment.replace("<p>", "")
    assert "# Shouting" in comment


def test_plain_text_has_no_markup_and_is_not_double_escaped():
    assert plain_text("# Hi **there** <b>x</b> & co") == "Hi there <b>x</b> & co"
