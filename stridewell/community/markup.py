"""Markdown written by people, turned into HTML that is safe to show to everyone else.

Two layers, so a mistake in one is caught by the other:

1. markdown-it-py in strict CommonMark mode with raw HTML off: ``<script>`` typed
   into a story comes out as text, and links with ``javascript:``/``data:`` are
   refused by its own link check. Images are rendered as their alt text, so a
   story can never make a reader's browser fetch something from elsewhere (which
   would tell a stranger who read it, and when). Headings exist only in stories,
   moved down one level (``#`` → ``h2``) because the page title is the ``h1``.
2. nh3 (ammonia) with a small allowlist of tags; ``a`` keeps ``href`` only for
   http, https and mailto (relative links are dropped too) and always gets
   ``rel="nofollow noopener ugc"``.
"""

from __future__ import annotations

from functools import cache
from html import unescape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["plain_text", "render"]

BASE_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
)
STORY_TAGS = BASE_TAGS | {"h2", "h3", "h4"}
LINK_SCHEMES = ("http://", "https://", "mailto:")
LINK_REL = "nofollow noopener ugc"


def _image_as_alt_text(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    alt = "".join(child.content for child in tokens[idx].children or [])
    return nh3.escape(alt)


def _shift_headings(state: Any) -> None:
    """``#`` becomes h2, ``##`` h3, anything deeper h4: the page keeps one h1."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = f"h{min(level + 1, 4)}"


@cache
def _parser(headings: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.add_render_rule("image", _image_as_alt_text)
    if headings:
        md.core.ruler.push("shift_headings", _shift_headings)
    else:
        # "# Hello" in a comment stays the text "# Hello".
        md.disable(["heading", "lheading"])
    return md


def _only_safe_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if value.lower().startswith(LINK_SCHEMES) else None
    return value


@cache
def _cleaner(headings: bool) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(STORY_TAGS if headings else BASE_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}, "ol": {"start"}},
        attribute_filter=_only_safe_links,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str, *, headings: bool = False) -> str:
    """Sanitised HTML for ``text`` (Markdown). ``headings``: allow h2–h4 (stories only)."""
    html = _parser(headings).render(text or "")
    return _cleaner(headings).clean(html).strip()


def plain_text(text: str) -> str:
    """The words of ``text`` with the Markdown and any HTML taken out (for excerpts)."""
    html = _parser(True).render(text or "")
    # Unescaped: the result is text, escaped again wherever it is shown.
    return " ".join(unescape(nh3.clean(html, tags=set())).split())
