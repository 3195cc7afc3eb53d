"""On PostgreSQL, people replying to and reacting to the same post at the same moment all
succeed: every write takes the rows it changes in one order (the post's, then the
relationship-health rollups', then the places' and the council's), so no two writers wait
on each other and PostgreSQL never has to abort one of them as a deadlock."""

import threading

import pytest
from django.db import connection, connections

from villagehall.conversation import services
from villagehall.conversation.models import Comment, Post, Reaction
from villagehall.core.tenancy import council_scope
from tests.factories import CouncilFactory, NeighbourhoodFactory, PersonFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 25


def test_replies_and_reactions_to_one_post_at_once_all_succeed():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so its writers cannot wait on each other")
    council = CouncilFactory(slug="busy", name="Busy Council")
    with council_scope(council):
        neighbourhood = NeighbourhoodFactory(council=council, slug="centre", name="Centre")
        post = PostFactory(neighbourhood=neighbourhood, council=council, title="Bin day moved")
        comment = services.comment_create(author=PersonFactory(), post=post, body="Thanks for saying")
    replier, liker, thanker = PersonFactory(), PersonFactory(), PersonFactory()
    start = threading.Barrier(3)
    failures = []

    def writer(write):
        try:
            with council_scope(council):
                for round_ in range(ROUNDS):
                    start.wait(timeout=30)
                    write(round_)
        except Exception as error:  # noqa: BLE001 (every failure is the finding)
            failures.append(error)
            start.abort()
        finally:
            connections.close_all()

    writes = [
        lambda n: services.comment_create(author=replier, post=post, body=f"Reply {n}"),
        lambda n: services.reaction_toggle(person=liker, post=post, kind=Reaction.Kind.LIKE),
        lambda n: services.reaction_toggle(person=thanker, post=post, comment=comment, kind=Reaction.Kind.THANKS),
    ]
    threads = [threading.Thread(target=writer, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    post = Post.dangerously_unscoped.get(pk=post.pk)
    assert post.comment_count == ROUNDS + 1
    # Toggled 25 times: given, taken back, ... given.
    assert post.like_count == 1
    assert Comment.dangerously_unscoped.get(pk=comment.pk).thanks_count == 1
