"""Prepare a loaded Village Hall database for the benchmark suite and print what it needs as JSON.

Adds two posts with exactly 20 and 1,000 top-level comments, signed-in sessions for a
reader, an administrator and the writers of the mixed load, and names the pages to load
(the busiest organisation and community project among them).
Run by bench/run with the same environment as the server.
"""

import json
import os
import sys
from datetime import timedelta
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villagehall.settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.utils import timezone  # noqa: E402

from villagehall.conversation import services  # noqa: E402
from villagehall.conversation.models import Comment, Post  # noqa: E402
from villagehall.core.tenancy import council_scope  # noqa: E402
from villagehall.core.text import render_markdown  # noqa: E402
from villagehall.people.models import Organisation, Person  # noqa: E402
from villagehall.people.services import council_administrator_grant  # noqa: E402
from villagehall.places.models import Council, Neighbourhood  # noqa: E402
from villagehall.projects.models import Project  # noqa: E402

WRITERS = 32
CSRF_SECRET = "benchbenchbenchbenchbenchbench12"  # 32 characters, as Django's CSRF secret is


def person(email, name):
    from allauth.account.models import EmailAddress

    found = Person.objects.filter(email=email).first() or Person.objects.create_user(
        email=email, password=None, display_name=name,
    )
    # Writing waits for a confirmed email address, for the benchmark's writers as for anyone.
    EmailAddress.objects.get_or_create(user=found, email=email, defaults={"verified": True, "primary": True})
    return found


def session_cookie(user) -> str:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}; csrftoken={CSRF_SECRET}"


def post_with_comments(*, title, count, neighbourhood, author):
    existing = Post.objects.filter(title=title).first()
    if existing:
        return existing
    post = services.post_create(author=author, kind="question", title=title, neighbourhood=neighbourhood,
                                body="A post for the benchmark suite, with a fixed number of comments.")
    start = timezone.now() - timedelta(days=30)
    body = "A comment of an ordinary length, saying something sensible about the question above."
    comments = [
        Comment(council=post.council, post=post, author=author, body=body, body_html=render_markdown(body),
                created_at=start + timedelta(minutes=n), depth=0)
        for n in range(count)
    ]
    Comment.objects.bulk_create(comments, batch_size=1000)
    Comment.objects.filter(post=post).update(root_id=F("id"))
    Post.objects.filter(pk=post.pk).update(comment_count=count)
    return post


def main(council_slug: str) -> None:
    council = Council.objects.get(slug=council_slug)
    with council_scope(council):
        neighbourhood = (
            Neighbourhood.objects.annotate(n=Count("posts")).order_by("-n").first()
        )
        organisation = Organisation.objects.annotate(n=Count("page_posts")).order_by("-n").first()
        # The busiest project: the most needs, partners, people and updates to show.
        project = (
            Project.objects.annotate(n=Count("needs", distinct=True) + Count("partnerships", distinct=True)
                                     + Count("team", distinct=True) + Count("updates", distinct=True))
            .order_by("-n", "pk").first()
        )
        reader = person("bench-reader@bench.invalid", "Bench Reader")
        admin = person("bench-admin@bench.invalid", "Bench Administrator")
        council_administrator_grant(person=admin, council=council)
        post_20 = post_with_comments(title="Bench: twenty comments", count=20, neighbourhood=neighbourhood, author=reader)
        post_1000 = post_with_comments(title="Bench: a thousand comments", count=1000, neighbourhood=neighbourhood, author=reader)
        # Posts open to replies: a reply to a closed post is refused (400), which is not an error of the load.
        write_posts = list(Post.objects.filter(neighbourhood=neighbourhood, comments_closed=False)
                           .order_by("-created_at").values_list("pk", flat=True)[:50])
        writers = [session_cookie(person(f"bench-writer-{n}@bench.invalid", f"Bench Writer {n}")) for n in range(WRITERS)]
        base = f"/{council.slug}"
        json.dump({
            "council": council.slug,
            "csrf": CSRF_SECRET,
            "reader_cookie": session_cookie(reader),
            "admin_cookie": session_cookie(admin),
            "writer_cookies": writers,
            "neighbourhood_id": neighbourhood.pk,
            "write_posts": write_posts,
            "pages": {
                "feed": f"{base}/{neighbourhood.slug}/",
                "post_20": post_20.get_absolute_url(),
                "post_1000": post_1000.get_absolute_url(),
                "organisation": organisation.get_absolute_url(),
                "project": project.get_absolute_url(),
                "dashboard": f"{base}/health/",
            },
        }, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "demo")
