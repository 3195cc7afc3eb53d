"""Joining: the sign-up form, filled in as a person would, leaves them signed in."""

import re

import pytest
from playwright.sync_api import expect

from villagehall.people.models import Person

PASSWORD = "a long and quiet evening"


def sign_up(page, *, email, name):
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Sign up").click()


def test_sign_up_and_land_signed_in(browsing, world):
    page = browsing.page()
    page.goto("/testborough/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join").click()
    sign_up(page, email="sam@example.org", name="Sam from Elm Road")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    expect(nav.get_by_role("link", name="Join")).to_have_count(0)
    person = Person.objects.get(email="sam@example.org")
    assert person.display_name == "Sam from Elm Road"
    assert person.check_password(PASSWORD)


def test_new_members_can_use_council_pages(browsing, world):
    for email, name in [("sam@example.org", "Sam from Elm Road"), ("kim@example.org", "Kim Khan")]:
        page = browsing.page()
        page.goto("/accounts/signup/")
        sign_up(page, email=email, name=name)
        response = page.goto("/testborough/")
        assert response.status == 200, f"{name} gets {response.status} on the council home"
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=name)).to_be_visible()
