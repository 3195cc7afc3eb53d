"""User text becomes safe HTML through one pipeline."""

from villagehall.core.text import render_markdown


def test_markdown_is_rendered():
    html = render_markdown("Hello **neighbours**\n\n- one\n- two")
    assert "<strong>neighbours</strong>" in html
    assert "<li>one</li>" in html


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown('<script>alert("x")</script><img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_and_data_links_are_dropped():
    for link in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "vbscript:msgbox(1)"]:
        html = render_markdown(f"[click]({link})")
        assert "<a" not in html, html  # shown as text, never as a link


def test_safe_links_get_nofollow_ugc_noopener():
    html = render_markdown("[the council](https://example.org/) or [mail us](mailto:hall@example.org)")
    assert 'href="https://example.org/"' in html
    assert 'href="mailto:hall@example.org"' in html
    assert html.count('rel="nofollow ugc noopener"') == 2


def test_headings_sit_under_the_page_title():
    html = render_markdown("# Big\n\n## Smaller")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html
    assert "<h1" not in html


def test_images_are_not_embedded():
    html = render_markdown("![tracker](https://example.org/pixel.gif)")
    assert "<img" not in html
