"""Every page type passes axe-core's WCAG 2.2 A and AA rules, has no form field whose label,
help or error a screen reader cannot find, and logs nothing to the console (no
Content-Security-Policy refusals, no script errors, no missing files)."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PostFactory
from villagehall.conversation import services
from villagehall.core.tenancy import council_scope

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
HEALTH_PAGES_AT_MOST = 12

axe = Axe()


def axe_problems(page) -> list[str]:
    """Return axe's WCAG A/AA violations on the page, one readable line per rule."""
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    problems = []
    for violation in violations:
        targets = "; ".join(", ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                            for node in violation["nodes"])
        problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return problems


# axe leaves an id reference that points nowhere as "needs review", and does not look at
# what a description says; a field whose error or help is not found is silent to a screen reader.
BROKEN_REFERENCES = """() => {
  const found = [];
  for (const element of document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for]")) {
    for (const attribute of ["aria-describedby", "aria-labelledby", "for"]) {
      for (const id of (element.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)) {
        const target = document.getElementById(id);
        const name = element.id ? `${element.localName}#${element.id}` : element.localName;
        if (!target) found.push(`${name} ${attribute}="${id}" points at nothing`);
        else if (attribute !== "for" && !target.textContent.trim()) found.push(`${name} ${attribute}="${id}" points at an empty element`);
      }
    }
  }
  return found;
}"""


def broken_references(page) -> list[str]:
    return [f"reference: {problem}" for problem in page.evaluate(BROKEN_REFERENCES)]


class Audit:
    """Visit pages, run axe on each and gather everything wrong into one report."""

    def __init__(self, browsing):
        self.browsing = browsing
        self.failures = []
        self.checked = []

    def visit(self, page, url, *, label=None, status=200):
        response = page.goto(url)
        assert response.status == status, f"{url} answered {response.status}, not {status}"
        self.check(page, label or url)

    def check(self, page, label):
        self.checked.append(label)
        problems = axe_problems(page) + broken_references(page)
        problems += [f"console: {text}" for _, text in self.browsing.take_console_errors()]
        if problems:
            self.failures.append(f"{label} ({page.url}):\n" + "\n".join(f"    {p}" for p in problems))

    def assert_clean(self):
        assert not self.failures, (
            f"{len(self.failures)} of {len(self.checked)} pages have accessibility or console problems:\n"
            + "\n".join(self.failures)
        )


@pytest.fixture
def audit(browsing):
    return Audit(browsing)


def test_every_page_type_passes_axe_signed_in(browsing, world, audit):
    with council_scope(world.council):
        first = world.question.comments.get()
        services.comment_create(author=world.resident, post=world.question, body="Thank you!", parent=first)
        services.reaction_toggle(person=world.resident, post=world.question, kind="like")
        services.follow_toggle(person=world.officer, target=world.neighbourhood)
    PostFactory(neighbourhood=world.neighbourhood, organisation=world.gardeners, acting_for=world.gardeners,
                author=world.officer, title="Seed swap at the hall")

    page = browsing.page(world.officer)
    audit.visit(page, "/", label="council list")
    audit.visit(page, "/testborough/", label="council home")
    audit.visit(page, "/testborough/northfield/", label="neighbourhood feed")
    audit.visit(page, "/testborough/northfield/?kind=question", label="neighbourhood feed, filtered")
    audit.visit(page, "/testborough/org/parks/", label="organisation page (service)")
    audit.visit(page, "/testborough/org/gardeners/", label="organisation page (group)")
    audit.visit(page, world.question.get_absolute_url(), label="post page with comments and reply form")
    page.get_by_label("Your reply").fill("Thanks for the update.")
    page.get_by_role("button", name="Post reply").click()
    # One request at a time: on SQLite the test server's threads share one in-memory
    # database connection, which cannot serve two requests at once.
    page.locator("#comments > li.comment", has_text="Thanks for the update.").wait_for()
    page.locator("article.post").get_by_role("button", name="Thanks").click()
    page.locator("article.post .reaction-counts", has_text="says thanks").wait_for()
    audit.check(page, "post page after replying and reacting in place (htmx)")
    audit.visit(page, f"{world.question.get_absolute_url()}?reply_to={first.pk}", label="post page, replying to a comment")
    audit.visit(page, "/testborough/posts/new/?neighbourhood=northfield", label="new-post form")
    page.get_by_label("Title").fill("A title but no words")
    page.get_by_role("button", name="Publish").click()
    audit.check(page, "new-post form with errors")
    audit.visit(page, "/testborough/posts/new/?organisation=gardeners", label="new post on an organisation's page")
    audit.visit(page, f"/testborough/people/{world.resident.username}/", label="person page")
    audit.visit(page, f"/testborough/people/{world.officer.username}/", label="person page (your own)")
    audit.visit(page, "/testborough/following/", label="following page")
    audit.visit(page, "/testborough/people/me/edit/", label="profile edit")
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Save").click()
    audit.check(page, "profile edit with errors")
    audit.assert_clean()


def test_every_page_type_passes_axe_signed_out(browsing, world, audit):
    page = browsing.page()
    audit.visit(page, "/", label="council list")
    audit.visit(page, "/testborough/", label="council home")
    audit.visit(page, "/testborough/northfield/", label="neighbourhood feed")
    audit.visit(page, world.question.get_absolute_url(), label="post page, signed out")
    audit.visit(page, "/accounts/login/", label="sign in")
    page.get_by_label("Email").fill(world.resident.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    audit.check(page, "sign in with errors")
    audit.visit(page, "/accounts/signup/", label="sign up")
    page.get_by_label("Email").fill(world.resident.email)
    page.get_by_label("Your name").fill("Rita Again")
    page.get_by_label(re.compile(r"^Password:?$")).fill("short")
    page.get_by_label("Password (again)").fill("different")
    page.get_by_role("button", name="Sign up").click()
    audit.check(page, "sign up with errors")
    audit.visit(page, "/accounts/password/reset/", label="password reset")
    audit.assert_clean()


def test_relationship_health_pages_pass_axe(browsing, world, council_administrator, audit):
    """The health pages are another part's work: check them once they answer."""
    page = browsing.page(council_administrator)
    response = page.goto("/testborough/health/")
    if response.status != 200:
        pytest.skip(f"/testborough/health/ answers {response.status}: no health pages yet")
    audit.check(page, "relationship health")
    seen = {"/testborough/health/"}
    links = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    for href in links:
        path = urlsplit(urljoin(page.url, href)).path
        if path.startswith("/testborough/health/") and path not in seen and len(seen) < HEALTH_PAGES_AT_MOST:
            seen.add(path)
            audit.visit(page, path)
    audit.assert_clean()
