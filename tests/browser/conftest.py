"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's
live server. Chromium is started once for all of them; each person in each test gets a
fresh context (cookies, JavaScript on or off).

Every test here is marked `browser` (select with `-m browser`, leave out with
`-m "not browser"`) and is skipped when Chromium is missing. Set VILLAGEHALL_CHROMIUM
to use a Chromium somewhere other than /usr/bin/chromium.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import (
    CouncilAdministratorFactory,
    CouncilFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PersonFactory,
)
from villagehall.conversation import services
from villagehall.conversation.models import Post
from villagehall.core.tenancy import council_scope

CHROMIUM = os.environ.get("VILLAGEHALL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    missing = not Path(CHROMIUM).exists()
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (set VILLAGEHALL_CHROMIUM to its path)")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(skip)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests, stopped before any other tests run."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # While Playwright's sync API is running it keeps an asyncio loop in this thread,
        # which Django's guard against ORM calls from async code takes for async code.
        # The tests are plain synchronous code, so the guard does not apply until it stops.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Browsing:
    """Open pages as a given person, with or without JavaScript, and collect console errors."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.console_errors = []  # (url, message)
        self.allowed = []

    def page(self, person=None, *, js=True):
        context = self.browser.new_context(base_url=self.base_url, java_script_enabled=js)
        context.set_default_timeout(5_000)
        self.contexts.append(context)
        if person is not None:
            self.sign_in(context, person)
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.console_errors.append((page.url, str(error))))
        return page

    def allow_console(self, pattern):
        """Accept console errors matching the regular expression, such as an expected 422 from htmx."""
        self.allowed.append(re.compile(pattern))

    def _console(self, page, message):
        if message.type != "error":
            return
        source = message.location.get("url", "")
        # The page's own status (a form with errors answers 400) is checked by the tests,
        # and Chromium asks every site for /favicon.ico, which this one does not have.
        if message.text.startswith("Failed to load resource") and (source == page.url or source.endswith("/favicon.ico")):
            return
        if any(pattern.search(message.text) for pattern in self.allowed):
            return
        self.console_errors.append((page.url, f"{message.text} [{source}]" if source and source != page.url else message.text))

    def sign_in(self, context, person):
        """Give the context a signed-in session without going through the form."""
        client = Client()
        client.force_login(person)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])

    def take_console_errors(self):
        errors, self.console_errors = self.console_errors, []
        return errors

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser, live_server):
    """Pages for the test; it fails if any page logged an error it did not expect."""
    session = Browsing(browser, live_server.url)
    yield session
    errors = session.take_console_errors()
    session.close()
    assert not errors, "Console errors in the browser:\n" + "\n".join(f"  {url}: {text}" for url, text in errors)


@dataclass
class World:
    council: object
    neighbourhood: object
    parks: object
    gardeners: object
    officer: object
    resident: object
    neighbour: object
    question: object


@pytest.fixture
def world(live_server):
    """A small council: a neighbourhood, a service with an officer, a group, two residents and a question."""
    council = CouncilFactory(slug="testborough", name="Testborough Council")
    northfield = NeighbourhoodFactory(council=council, slug="northfield", name="Northfield")
    parks = OrganisationFactory(council=council, slug="parks", name="Parks", kind="council_service")
    gardeners = OrganisationFactory(council=council, slug="gardeners", name="Northfield Gardeners", neighbourhood=northfield)
    officer = MembershipFactory(organisation=parks, person=PersonFactory(display_name="Olu Officer")).person
    resident = PersonFactory(display_name="Rita Resident")
    neighbour = PersonFactory(display_name="Nina Neighbour")
    with council_scope(council):
        question = services.post_create(
            author=resident, kind=Post.Kind.QUESTION, title="When will the park gate be fixed?",
            body="The **gate** by the pond is broken.", neighbourhood=northfield, addressed_to=parks,
        )
        services.comment_create(author=officer, post=question, body="Next Tuesday.", acting_for=parks)
    return World(council, northfield, parks, gardeners, officer, resident, neighbour, question)


@pytest.fixture
def council_administrator(world):
    """Someone who administers the council, for the pages only administrators see."""
    return CouncilAdministratorFactory(council=world.council, person=PersonFactory(display_name="Ada Administrator")).person
