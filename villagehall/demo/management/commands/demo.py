"""`villagehall demo`: load the demo borough of Brackenford, or a city-sized data set.

    villagehall demo                         a borough to explore, in a few seconds
    villagehall demo --reset                 delete the demo council and build it again
    villagehall demo --scale city --reset    a million posts for the benchmarks
    villagehall demo --scale city --posts 20000 --reset   the same shape, smaller

The same --seed (and --until, the end of the demo year) builds the same borough. At the
city scale, loading into a fresh database is much quicker than --reset, which has to
delete millions of rows first.
"""

import random
import sys
import time
from contextlib import nullcontext
from datetime import datetime
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from villagehall.core.page_cache import council_content_changed
from villagehall.core.tenancy import council_scope
from villagehall.demo.accounts import DEMO_ACCOUNTS, DEMO_COUNCIL_SLUG, DEMO_PASSWORD, DEMO_PEOPLE_DOMAIN
from villagehall.demo.borough import SCALES, borough_build, follows_create, scale_for
from villagehall.demo.guests import guest_comments_add
from villagehall.demo.loading import ConversationWriter, council_data_delete, fast_loading, tidy_after_load
from villagehall.demo.projects import projects_story_add
from villagehall.demo.year import Year
from villagehall.people.models import Person
from villagehall.people.services import council_administrator_grant
from villagehall.places.models import Council

DEFAULT_SEED = 1


class Command(BaseCommand):
    help = "Load the demo borough (Brackenford), with a year of conversation, or a city-sized data set."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="borough",
                            help="borough (the default): 300 people and a year of posts; "
                                 "city: about a million posts and ten million interactions, for benchmarks.")
        parser.add_argument("--posts", type=int, help="About how many posts to make, to shrink or grow the scale.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"The same seed builds the same borough (default {DEFAULT_SEED}).")
        parser.add_argument("--until", help="When the demo year ends (ISO date and time, default now).")
        parser.add_argument("--reset", action="store_true", help="Delete the demo council's data and build it again.")

    def handle(self, *args, scale, posts, seed, until, reset, verbosity, **options):
        if posts is not None and posts < 1:
            raise CommandError("--posts must be at least 1.")
        existing = Council.objects.filter(slug=DEMO_COUNCIL_SLUG).first()
        if existing is not None and not reset:
            self.stdout.write(
                f"The demo borough is already loaded: {existing.name} at /{existing.slug}/. "
                "Run `villagehall demo --reset` to build it again."
            )
            return
        scale = scale_for(scale, posts=posts)
        until = self._until(until)
        started = time.monotonic()
        if existing is not None:
            self.stdout.write(f"Deleting {existing.name}…")
            council_data_delete(existing)
        _demo_people_delete()

        with fast_loading():
            # The borough is built in one transaction, so a failed build leaves nothing
            # behind; the city commits week by week to keep its transactions small.
            with nullcontext() if scale.commit_every_week else transaction.atomic():
                council, borough, year, follows = self._build(scale, seed, until, verbosity)
        tidy_after_load()
        self._summary(council, borough, year, follows, seed, time.monotonic() - started)

    def _until(self, value) -> datetime:
        if not value:
            return timezone.now()
        try:
            until = datetime.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--until: {error}") from error
        if timezone.is_naive(until):
            until = until.replace(tzinfo=ZoneInfo("Europe/London"))
        return until

    def _build(self, scale, seed, until, verbosity):
        rng = random.Random(seed)
        council = Council.objects.create(
            slug=DEMO_COUNCIL_SLUG, name=scale.council_name,
            welcome="A made-up borough to try Village Hall in. Everyone and everything here is fictional.",
            # People without an account can comment ("Fill in your details"), to show how that looks.
            guest_comments=True,
        )
        with council_scope(council):
            borough = borough_build(council=council, scale=scale, rng=rng, until=until)
            _demo_accounts_finish(borough)
            writer = ConversationWriter(batch_size=scale.batch_size)
            with tqdm(total=scale.posts, unit=" posts", disable=verbosity < 1, file=sys.stderr,
                      desc="A year of posts") as progress:
                year = Year(borough, writer, rng)
                year.write(progress)
                # The scale's number of posts is a target; end the bar at the real count.
                progress.total = progress.n
            follows = follows_create(borough, rng, batch_size=scale.batch_size)
            projects_story_add(borough=borough)
            guest_comments_add(borough=borough)
            # Pages cached while a long load ran are out of date now.
            council_content_changed(council=council)
        return council, borough, year, follows

    def _summary(self, council, borough, year, follows, seed, seconds):
        counts = year.counts
        write = self.stdout.write
        write(self.style.SUCCESS(f"Built {council.name} at /{council.slug}/ in {seconds:.1f} s (seed {seed})."))
        write(
            f"  {len(borough.places)} neighbourhoods, {len(borough.services)} council services, "
            f"{len(borough.voluntary_orgs)} voluntary organisations, {len(borough.groups)} community groups, "
            f"{len(borough.people):,} people"
        )
        online = counts["posts"] + counts["comments"] + counts["reactions"]
        write(
            f"  {counts['posts']:,} posts, {counts['comments']:,} comments, {counts['reactions']:,} reactions, "
            f"{counts['see_also_links']:,} “see also” links, {follows:,} follows"
        )
        write(f"  {online + counts['contacts']:,} interactions ({counts['contacts']:,} of them offline contact)")
        for comments, post_id in sorted(year.long_threads.items()):
            write(f"  A thread with {comments:,} comments: /{council.slug}/posts/{post_id}/")
        write(f"Sign in with the password “{DEMO_PASSWORD}” as:")
        for account in DEMO_ACCOUNTS:
            write(f"  {account.role:<14} {account.email}")


def _demo_accounts_finish(borough) -> None:
    """Mark the demo accounts' addresses verified and make the administrator one."""
    people = Person.objects.in_bulk(borough.demo_people.values())
    EmailAddress.objects.bulk_create([
        EmailAddress(user=people[borough.demo_people[account.role]], email=account.email, verified=True, primary=True)
        for account in DEMO_ACCOUNTS
    ])
    council_administrator_grant(person=people[borough.demo_people["administrator"]], council=borough.council)


def _demo_people_delete() -> None:
    """Delete the people a previous demo made (they belong to no other council)."""
    Person.objects.filter(
        Q(email__endswith=f"@{DEMO_PEOPLE_DOMAIN}") | Q(email__in=[account.email for account in DEMO_ACCOUNTS])
    ).delete()
