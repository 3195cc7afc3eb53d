"""Known cross-site-scripting payloads, in every place people can write, must never run.

The pages are loaded with the Content Security Policy switched off in the browser
(Playwright's bypass_csp), so escaping and sanitising alone must hold; the policy is a
second wall, checked by the last test with it on.
"""

import itertools

import pytest

from tests.factories import PersonFactory
from villagehall.conversation import services
from villagehall.core.tenancy import council_scope

# Each payload reports through xss(N) if it ever runs; N says which one.
VECTORS = [
    "<script>xss(N)</script>",
    "<script src=data:text/javascript,xss(N)></script>",
    "<img src=x onerror=xss(N)>",
    "<img src=x onerror=\"xss(N)\">",
    "<svg onload=xss(N)>",
    "<svg><script>xss(N)</script></svg>",
    "<body onload=xss(N)>",
    "<iframe src=\"javascript:xss(N)\"></iframe>",
    "<iframe srcdoc=\"<script>parent.xss(N)</script>\"></iframe>",
    "<details open ontoggle=xss(N)>",
    "<input autofocus onfocus=xss(N)>",
    "<select autofocus onfocus=xss(N)>",
    "<video><source onerror=xss(N)></video>",
    "<audio src=x onerror=xss(N)>",
    "<marquee onstart=xss(N)>",
    "<object data=\"javascript:xss(N)\">",
    "<embed src=\"javascript:xss(N)\">",
    "<a href=\"javascript:xss(N)\">click</a>",
    "<form action=\"javascript:xss(N)\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:xss(N)\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=xss(N)>",
    "<noscript><p title=\"</noscript><img src=x onerror=xss(N)>\">",
    "<style>@import 'javascript:xss(N)';</style>",
    "<div style=\"background:url(javascript:xss(N))\">x</div>",
    "<div hx-get=\"/\" hx-trigger=\"load\" hx-on::before-request=\"xss(N)\">x</div>",
    "\"><script>xss(N)</script>",
    "'><img src=x onerror=xss(N)>",
    "</textarea><script>xss(N)</script>",
    "</title><script>xss(N)</script>",
    "<scr<script>ipt>xss(N)</scr</script>ipt>",
    "<SCRIPT>xss(N)</SCRIPT>",
    "<img src=`x` onerror=xss(N)>",
    "<img/src=x/onerror=xss(N)>",
    "<svg/onload=xss(N)//",
    "[click](javascript:xss(N))",
    "[click](JaVaScRiPt:xss(N))",
    "[click](javascript&#58;xss(N))",
    "[click](&#106;avascript:xss(N))",
    "[click](data:text/html,<script>xss(N)</script>)",
    "[click](vbscript:xss(N))",
    "[click](<javascript:xss(N)>)",
    "![pic](x\" onerror=\"xss(N))",
    "![pic](javascript:xss(N))",
    "<javascript:xss(N)>",
    "[a](https://example.org\" onmouseover=\"xss(N))",
    "`<script>xss(N)</script>`",
    "```\n</code><script>xss(N)</script>\n```",
    "&lt;script&gt;xss(N)&lt;/script&gt;",
    "{{ xss(N) }}",
    "{% raw %}<script>xss(N)</script>",
]

WRAPPERS = [
    "{}",
    "Hello neighbours {} see you soon",
]

PAYLOADS = [
    wrapper.format(vector.replace("N", str(number)))
    for number, (vector, wrapper) in enumerate(itertools.product(VECTORS, WRAPPERS))
]
assert len(PAYLOADS) >= 100

CATCHER = """
window.__xss = [];
window.xss = function (n) { window.__xss.push(String(n)); };
window.alert = window.confirm = window.prompt = function (m) { window.__xss.push('dialog:' + m); };
"""


@pytest.fixture
def hostile_world(world):
    """Every payload as a post title, a body, a link, an author's name and a reply."""
    posts = []
    with council_scope(world.council):
        for number, payload in enumerate(PAYLOADS):
            author = PersonFactory(display_name=payload[:80])
            post = services.post_create(
                author=author, kind="update", title=payload[:200],
                body=f"{payload}\n\nSee [this link]({payload}) and <{payload}>.",
                neighbourhood=world.neighbourhood,
            )
            comment = services.comment_create(author=world.neighbour, post=post, body=payload)
            services.comment_create(author=author, post=post, body=f"Re: {payload}", parent=comment)
            posts.append(post)
    return posts


def open_page(page, path):
    page.goto(path)
    # Give timers, focus handlers and lazy loads a moment to fire.
    page.wait_for_timeout(30)
    return page.evaluate("window.__xss")


def hostile_page(browsing, person=None, *, bypass_csp=True):
    context = browsing.browser.new_context(base_url=browsing.base_url, bypass_csp=bypass_csp)
    browsing.contexts.append(context)
    if person is not None:
        browsing.sign_in(context, person)
    context.add_init_script(CATCHER)
    page = context.new_page()
    navigations = []
    page.on("dialog", lambda dialog: (navigations.append(f"dialog {dialog.message}"), dialog.dismiss()))
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
    return page, navigations


def test_the_watch_catches_a_payload_that_gets_through(browsing, world):
    """If sanitising ever failed, these tests would see it: a body stored unsanitised is caught."""
    browsing.allow_console(r".*")
    from villagehall.conversation.models import Post

    Post.dangerously_unscoped.filter(pk=world.question.pk).update(body_html="<img src=x onerror=xss('leak')>")
    page, _ = hostile_page(browsing, world.resident)
    assert open_page(page, world.question.get_absolute_url()) == ["leak"]


def test_no_payload_runs_on_any_page(browsing, world, hostile_world):
    browsing.allow_console(r".*")  # payloads ask for images and frames that are not there
    page, navigations = hostile_page(browsing, world.resident)
    ran = {}
    paths = [post.get_absolute_url() for post in hostile_world]
    paths += [f"/testborough/northfield/?page={n}" for n in range(1, 7)]
    paths += ["/testborough/", f"/testborough/people/{hostile_world[0].author.username}/"]
    for path in paths:
        fired = open_page(page, path)
        if fired:
            ran[path] = fired
    assert ran == {}, f"payloads ran: {ran}"
    expected = {browsing.base_url + path for path in paths}
    strays = [url for url in navigations if url not in expected]
    assert strays == [], f"pages navigated away: {strays}"


def test_payloads_typed_into_the_forms_do_not_run(browsing, world):
    browsing.allow_console(r".*")
    page, navigations = hostile_page(browsing, world.resident)
    for number, payload in enumerate(PAYLOADS[:12]):
        page.goto("/testborough/posts/new/?neighbourhood=northfield")
        page.get_by_label("Title").fill(payload[:200])
        page.get_by_label("What would you like to say?").fill(payload)
        page.get_by_role("button", name="Publish").click()
        page.wait_for_load_state()
        page.get_by_label("Your reply").fill(payload)
        page.get_by_role("button", name="Post reply").click()
        page.wait_for_timeout(100)
        assert page.evaluate("window.__xss") == [], payload
        page.reload()
        assert page.evaluate("window.__xss") == [], payload


def test_the_content_security_policy_is_a_second_wall(browsing, world):
    """With the policy on, even script smuggled past escaping is refused by the browser."""
    page, _ = hostile_page(browsing, world.resident, bypass_csp=False)
    page.goto(world.question.get_absolute_url())
    refused = page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.xss("inline")';
        document.body.appendChild(s);
        return window.__xss;
    }""")
    assert refused == []
    browsing.allow_console(r"Content Security Policy")
