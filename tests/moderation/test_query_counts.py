"""The moderation pages and the notifications page run the same number of queries with 3 items as with 12."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CommentFactory, PersonFactory, PostFactory
from villagehall.conversation.models import State
from villagehall.moderation import services
from villagehall.moderation.models import ModerationAction


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_work(n, *, neighbourhood, moderator, author):
    for i in range(n):
        reporter = PersonFactory()
        post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, author=author)
        comment = CommentFactory(post=post, council=post.council)
        services.report_create(reporter=reporter, reason="spam", post=post)
        services.report_create(reporter=reporter, reason="abuse", comment=comment)
        services.report_create(reporter=reporter, reason="other", details="Odd", person=comment.author)
        PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, state=State.HELD)
        CommentFactory(post=post, council=post.council, state=State.HELD)
        done = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, author=author)
        services.moderation_act(moderator=moderator, kind=ModerationAction.Kind.HIDE, reason="Spam", post=done)


def test_moderation_pages_run_a_fixed_number_of_queries(client, scoped, neighbourhood, moderator, administrator):
    author = PersonFactory()
    urls = {
        moderator: ["/testborough/moderation/"],
        administrator: ["/testborough/moderation/audit/", "/testborough/moderation/reasons/"],
        author: ["/testborough/notifications/"],
    }

    def measure():
        counts = {}
        for person, addresses in urls.items():
            client.force_login(person)
            counts.update({url: queries_for(client, url) for url in addresses})
        return counts

    add_work(3, neighbourhood=neighbourhood, moderator=moderator, author=author)
    with_three = measure()
    add_work(9, neighbourhood=neighbourhood, moderator=moderator, author=author)
    assert measure() == with_three


def test_a_moderation_page_runs_a_fixed_number_of_queries_however_long_its_history(client, scoped, neighbourhood, moderator):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    client.force_login(moderator)
    url = f"/testborough/moderation/posts/{post.pk}/"

    def add_history(n):
        for _ in range(n):
            services.report_create(reporter=PersonFactory(), reason="spam", post=post)
            hidden = services.moderation_act(moderator=moderator, kind=ModerationAction.Kind.HIDE, reason="Spam", post=post)
            services.moderation_undo(moderator=moderator, action=hidden, reason="Not spam")
            post.refresh_from_db()

    add_history(3)
    with_three = queries_for(client, url)
    add_history(8)
    assert queries_for(client, url) == with_three
