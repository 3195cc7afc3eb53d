"""The one pipeline every piece of user-written text goes through to become HTML.

Markdown is parsed by markdown-it-py in its safe ("js-default") preset, which turns
raw HTML into text and refuses `javascript:` links; nh3 then keeps only an allow-list
of tags, attributes and link schemes. Either step alone would do; both together mean
a mistake in one is caught by the other.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "hr", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Headings in a post sit under the post's own title, so they start at level 3.
    md = MarkdownIt("js-default", {"linkify": False, "typographer": False})
    md.enable("strikethrough")

    def demote_heading(renderer, tokens, idx, options, env):
        token = tokens[idx]
        level = min(int(token.tag[1]) + 2, 6)
        token.tag = f"h{level}"
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", demote_heading)
    md.add_render_rule("heading_close", demote_heading)
    return md


def render_markdown(text: str) -> str:
    """Return safe HTML for a Markdown text written by a person."""
    html = _markdown().render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
