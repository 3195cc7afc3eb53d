"""The demo borough: `villagehall demo` builds what it says, consistent with what the
conversation services would have written, with services that behave differently."""

from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db.models import Count, F, Q

from villagehall.analytics.models import Interaction
from villagehall.conversation.models import Comment, Follow, Post, PostLink, Reaction
from villagehall.core.tenancy import council_scope
from villagehall.core.text import render_markdown
from villagehall.demo.accounts import DEMO_ACCOUNTS, DEMO_COUNCIL_SLUG, DEMO_PASSWORD, demo_account
from villagehall.people.models import CouncilRole, Membership, Organisation, Person
from villagehall.places.models import Council, Neighbourhood
from villagehall.projects.models import Project

# A fixed end to the demo year, so every run sees the same calendar.
UNTIL = "2026-03-18T15:00"
LONDON = ZoneInfo("Europe/London")


def demo(**options) -> str:
    out = StringIO()
    call_command("demo", until=UNTIL, verbosity=0, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def council(db):
    demo()
    council = Council.objects.get(slug=DEMO_COUNCIL_SLUG)
    with council_scope(council):
        yield council


def test_the_default_demo_builds_the_stated_borough(council):
    neighbourhoods = Neighbourhood.objects.all()
    assert neighbourhoods.count() == 6
    deciles = sorted(n.deprivation_decile for n in neighbourhoods)
    assert deciles[0] <= 2 and deciles[-1] >= 8
    assert all(n.population for n in neighbourhoods)

    organisations = Counter(Organisation.objects.values_list("kind", flat=True))
    assert organisations == {"council_service": 8, "voluntary_org": 10, "community_group": 20}
    services = set(Organisation.objects.filter(kind="council_service").values_list("name", flat=True))
    assert {"Parks and Open Spaces", "Libraries", "Planning", "Highways", "Adult Social Care"} <= services
    assert not Organisation.objects.filter(kind="community_group", neighbourhood__isnull=True).exists()

    demo_people = Person.objects.filter(Q(residencies__council=council) | Q(memberships__council=council)).distinct()
    assert demo_people.count() == 300
    officers = Membership.objects.filter(organisation__kind="council_service")
    assert officers.count() >= 30 and not officers.filter(title="").exists()
    assert Membership.objects.filter(organisation__kind="community_group", role="admin").count() == 20

    posts = Post.objects.all()
    assert set(posts.values_list("kind", flat=True)) == set(Post.Kind.values)
    assert 1_200 <= posts.count() <= 2_000
    assert posts.filter(addressed_to__isnull=False).exists()
    assert posts.filter(comments_closed=True).exists()
    # Officers sometimes speak without their badge.
    assert posts.filter(acting_for__isnull=True, author__memberships__organisation__kind="council_service").exists()
    assert Comment.objects.filter(depth__gte=2).exists(), "replies to replies"
    assert set(Reaction.objects.values_list("kind", flat=True)) == {"like", "thanks"}
    assert Follow.objects.count() > 300 and PostLink.objects.exists()
    offline = set(Interaction.objects.filter(kind="contact").values_list("channel", flat=True))
    assert offline == {"phone", "meeting", "drop-in", "paper", "assisted"}

    # The year ends now (here, at UNTIL) and goes back a year.
    until = datetime.fromisoformat(UNTIL).replace(tzinfo=LONDON)
    times = posts.order_by("created_at").values_list("created_at", flat=True)
    assert times.last() <= until and times.first() >= until - timedelta(days=372)
    assert times.first() <= until - timedelta(days=350)


def test_what_was_written_is_what_the_services_would_have_written(council):
    posts = {post.pk: post for post in Post.objects.select_related("organisation")}
    comments = list(Comment.objects.all())
    reactions = list(Reaction.objects.all())
    by_id = {comment.pk: comment for comment in comments}

    # Counts on posts and comments match the rows.
    per_post = Counter(comment.post_id for comment in comments)
    assert all(post.comment_count == per_post[post.pk] for post in posts.values())
    reaction_counts = Counter((r.post_id, r.comment_id, r.kind) for r in reactions)
    for post in posts.values():
        assert (post.like_count, post.thanks_count) == (
            reaction_counts[(post.pk, None, "like")], reaction_counts[(post.pk, None, "thanks")]
        )
    for comment in comments:
        assert (comment.like_count, comment.thanks_count) == (
            reaction_counts[(comment.post_id, comment.pk, "like")],
            reaction_counts[(comment.post_id, comment.pk, "thanks")],
        )

    # Threads: a top-level comment is its own root; a reply hangs under its parent's root.
    for comment in comments:
        if comment.parent_id is None:
            assert (comment.root_id, comment.depth) == (comment.pk, 0)
        else:
            parent = by_id[comment.parent_id]
            assert parent.post_id == comment.post_id and parent.created_at <= comment.created_at
            assert (comment.root_id, comment.depth) == (parent.root_id, parent.depth + 1)
        assert comment.created_at >= posts[comment.post_id].created_at

    # Text is rendered as the services render it.
    assert all(post.body_html == render_markdown(post.body) for post in posts.values())
    assert all(comment.body_html == render_markdown(comment.body) for comment in comments)

    # One interaction per post, comment and reaction, with the fields the services record.
    interactions = list(Interaction.objects.exclude(kind="contact"))
    threads = {i.post_id: i.pk for i in interactions if i.kind == "post"}
    assert len(threads) == len(posts) == sum(i.kind == "post" for i in interactions)
    for interaction in interactions:
        post = posts[interaction.post_id]
        assert interaction.thread_id == threads[post.pk]
        assert interaction.channel == "online"
        assert interaction.neighbourhood_id == (
            post.neighbourhood_id or (post.organisation.neighbourhood_id if post.organisation else None)
        )
        community_space = post.organisation if post.organisation and not post.organisation.is_service else None
        assert interaction.group_id == (community_space.pk if community_space else None)
        if interaction.kind == "post":
            assert (interaction.actor_id, interaction.at, interaction.acting_for_id, interaction.addressed_to_id) == (
                post.author_id, post.created_at, post.acting_for_id, post.addressed_to_id
            )
        else:
            assert interaction.addressed_to_id is None

    def acts(kind):
        return Counter((i.post_id, i.actor_id, i.at, i.acting_for_id) for i in interactions if i.kind == kind)

    assert acts("comment") == Counter((c.post_id, c.author_id, c.created_at, c.acting_for_id) for c in comments)
    assert acts("reaction") == Counter((r.post_id, r.person_id, r.created_at, None) for r in reactions)

    # Offline contact belongs to no thread.
    contact = Interaction.objects.filter(kind="contact")
    assert not contact.filter(Q(thread__isnull=False) | Q(post__isnull=False) | Q(channel="online")).exists()


def _service_weeks(service_name, kinds=("comment",), **filters):
    """Return the distinct weeks with service-side interactions of these kinds."""
    service = Organisation.objects.get(name=service_name)
    times = Interaction.objects.filter(acting_for=service, kind__in=kinds, **filters).values_list("at", flat=True)
    return {at.astimezone(LONDON).isocalendar()[:2] for at in times}


def test_services_behave_differently(council):
    # Parks is there week in, week out.
    assert len(_service_weeks("Parks and Open Spaces")) >= 45
    # Planning shows up for its consultation and is gone again.
    planning = Interaction.objects.filter(acting_for__name="Planning").order_by("at").values_list("at", flat=True)
    assert planning and planning.last() - planning.first() <= timedelta(weeks=4)
    assert 1 <= len(_service_weeks("Planning")) <= 4
    # Adult Social Care is asked, and never answers or appears anywhere.
    assert Post.objects.filter(addressed_to__name="Adult Social Care").exists()
    assert not Interaction.objects.filter(acting_for__name="Adult Social Care").exists()
    # Highways comes and goes.
    assert 10 <= len(_service_weeks("Highways")) <= 45

    # Where Parks is there every week it answers what it is asked, mostly within two days.
    parks = Organisation.objects.get(name="Parks and Open Spaces")
    engaged = [
        neighbourhood for neighbourhood in Neighbourhood.objects.all()
        if len(_service_weeks(parks.name, ("post", "comment", "contact"), neighbourhood=neighbourhood)) >= 50
    ]
    assert len(engaged) >= 3
    waits = _first_answers(parks, neighbourhood__in=engaged)
    answered = [wait for wait in waits.values() if wait is not None]
    assert len(answered) >= 0.85 * len(waits)
    assert sum(wait <= timedelta(hours=48) for wait in answered) >= 0.7 * len(answered)
    # Elsewhere, questions go unanswered.
    assert any(wait is None for wait in _first_answers(Organisation.objects.get(name="Highways")).values())


def _first_answers(service, **filters):
    """Return, for each community post addressed to the service, the wait for its first answer (or None)."""
    waits = {}
    posts = Post.objects.filter(addressed_to=service, **filters).exclude(acting_for__kind="council_service")
    for post in posts:
        answer = post.comments.filter(acting_for=service).order_by("created_at").first()
        waits[post.pk] = answer.created_at - post.created_at if answer else None
    return waits


def test_demo_accounts_can_sign_in(council, client):
    for account in DEMO_ACCOUNTS:
        person = Person.objects.get(email=account.email)
        assert person.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=person, email=account.email, verified=True, primary=True).exists()
    response = client.post("/accounts/login/", {"login": demo_account("resident").email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(Person.objects.get(email=demo_account("resident").email).pk)

    admin = Person.objects.get(email=demo_account("administrator").email)
    assert CouncilRole.objects.filter(person=admin, role=CouncilRole.Role.ADMINISTRATOR).exists()
    officer = Person.objects.get(email=demo_account("officer").email)
    assert Membership.objects.filter(person=officer, organisation__name="Parks and Open Spaces").exists()
    assert Post.objects.filter(author=officer, acting_for__name="Parks and Open Spaces").exists()
    organiser = Person.objects.get(email=demo_account("organiser").email)
    assert Membership.objects.filter(person=organiser, organisation__kind="community_group", role="admin").exists()
    # Their addresses are confirmed, so each can post, reply, react and start a project straight away.
    for account in DEMO_ACCOUNTS:
        person = Person.objects.get(email=account.email)
        assert all(person.has_perm(perm) for perm in (
            "conversation.post_create", "conversation.react", "moderation.report", "projects.project_create",
        )), account.role
    assert officer.has_perm("responses.respond")
    client.force_login(Person.objects.get(email=demo_account("resident").email))
    response = client.post(f"/{council.slug}/posts/new/", {
        "kind": "question", "title": "Anyone for the litter pick?", "body": "Saturday morning.",
        "neighbourhood": Neighbourhood.objects.order_by("pk").first().pk,
    })
    assert response.status_code == 302, response.content.decode()[-1500:]
    # Everyone else is made up and cannot sign in.
    assert not Person.objects.filter(memberships__council=council).exclude(
        email__in=[account.email for account in DEMO_ACCOUNTS]
    ).first().has_usable_password()


def test_running_it_again_changes_nothing(council):
    before = (Post.objects.count(), Comment.objects.count(), Person.objects.count())
    assert "already loaded" in demo()
    assert (Post.objects.count(), Comment.objects.count(), Person.objects.count()) == before
    assert Council.objects.filter(slug=DEMO_COUNCIL_SLUG).count() == 1


def _fingerprint(council):
    with council_scope(council):
        return (
            list(Post.objects.order_by("created_at", "title").values_list("title", "kind", "comment_count", "like_count")),
            Comment.objects.count(), Reaction.objects.count(), Interaction.objects.count(),
            sorted(Neighbourhood.objects.values_list("name", "population", "deprivation_decile")),
        )


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_borough_and_reset_rebuilds_it():
    demo(seed=7)
    first = _fingerprint(Council.objects.get(slug=DEMO_COUNCIL_SLUG))
    output = demo(seed=7, reset=True)
    assert "Built" in output
    assert Council.objects.filter(slug=DEMO_COUNCIL_SLUG).count() == 1
    assert _fingerprint(Council.objects.get(slug=DEMO_COUNCIL_SLUG)) == first
    demo(seed=8, reset=True)
    assert _fingerprint(Council.objects.get(slug=DEMO_COUNCIL_SLUG)) != first


@pytest.mark.django_db
def test_a_small_city_has_the_long_threads_the_benchmarks_need():
    output = demo(scale="city", posts=2_000)
    council = Council.objects.get(slug=DEMO_COUNCIL_SLUG)
    with council_scope(council):
        assert Neighbourhood.objects.count() == 40
        assert 1_600 <= Post.objects.count() <= 2_600
        long_threads = dict(
            Post.objects.annotate(n=Count("comments")).filter(n__in=[20, 1_000]).values_list("n", "pk")
        )
        assert set(long_threads) == {20, 1_000}
        assert Post.objects.get(pk=long_threads[1_000]).comment_count == 1_000
        assert f"/{DEMO_COUNCIL_SLUG}/posts/{long_threads[1_000]}/" in output
        # Interactions: one per post, comment and reaction, besides offline contact and the
        # projects' official responses and support.
        online = Interaction.objects.filter(kind__in=["post", "comment", "reaction"]).count()
        assert online == Post.objects.count() + Comment.objects.count() + Reaction.objects.count()
        assert not Comment.objects.filter(depth=0).exclude(root_id=F("id")).exists()
        # The community projects the project page is measured on.
        assert Project.objects.filter(partnerships__isnull=False, needs__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_load_leaves_the_planner_statistics_of_what_it_wrote():
    from django.db import connection

    demo(scale="city", posts=300)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Where autovacuum does not run, a table never analysed is planned as if empty.
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'analytics_interaction'")
            assert cursor.fetchone()[0] > 1_000
        else:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'analytics_interaction'")
            assert cursor.fetchone()[0] > 0
