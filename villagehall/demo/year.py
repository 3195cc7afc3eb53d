"""A year of life in the demo borough: posts, threaded comments, reactions, "see also"
links, offline contact and the interaction event of each.

Every row is what the conversation services would have written for the same act
(see villagehall/conversation/services.py): bodies rendered by `render_markdown`,
comment counts and reaction counts matching the rows, each comment's root and depth
following its parent, and one interaction per post, comment and reaction with the
same kind, actor, time, speaking-for, neighbourhood, group, thread and addressee.

The year is built a week at a time, neighbourhood by neighbourhood, so memory stays
bounded however big the borough: only the current week's rows are ever held.
"""

import math
from collections import Counter
from contextlib import nullcontext

from django.db import transaction

from villagehall.analytics.models import Interaction
from villagehall.conversation.models import Post, Reaction
from villagehall.demo import words
from villagehall.demo.borough import ABSENT, DOCKING, ENGAGED, INTERMITTENT, WEEK, WEEKS, Borough, Place, ServicePlan
from villagehall.demo.loading import ConversationWriter
from villagehall.demo.texts import TextMaker

HOUR = 3600
DAY = 24 * HOUR

# Shares and chances that shape the year. They are tuned so the borough feels busy
# but not frantic, and the city reaches its target numbers.
ADDRESSED_SHARE = 0.3  # community posts asking a service something
ANSWER_CHANCE = {ENGAGED: 0.93, INTERMITTENT: 0.7}
ANSWER_MEDIAN_HOURS = {ENGAGED: 5, INTERMITTENT: 20}
ANSWER_WAIT_WEEKS = {ENGAGED: 1, INTERMITTENT: 3}
SERVICE_POST_CHANCE = {ENGAGED: 0.15, INTERMITTENT: 0.4, DOCKING: 1.0}
CHIP_IN_CHANCE = {ENGAGED: 0.5, INTERMITTENT: 0.2}
# About how often a service present in a week has done nothing else there by the end of
# it (measured on the borough; used to aim at the scale's number of posts).
IDLE_WEEK_SHARE = {ENGAGED: 0.5, INTERMITTENT: 0.5, DOCKING: 0.0}
KIND_WEIGHTS = {"question": 1.0, "request": 0.8, "offer": 0.7, "idea": 0.6, "announcement": 0.8, "update": 1.0}
KIND_COMMENT_WEIGHTS = {
    "question": 1.3, "request": 1.1, "offer": 0.8, "idea": 1.5, "announcement": 0.8, "update": 0.7, "blog": 1.0,
}
# Community comments per post, before the kind's weight, as a share of the scale's
# comments per post: services' answers and follow-ups make up the rest.
COMMUNITY_COMMENT_SHARE = 0.88
MAX_DEPTH = 5
# What a service does offline in a week it is present, and on which channel.
SERVICE_CONTACTS = {
    "parks": (0.4, "meeting"), "libraries": (0.8, "drop-in"), "housing": (0.8, "phone"),
    "youth": (0.6, "meeting"), "highways": (0.3, "phone"), "waste": (0.3, "phone"), "planning": (2.0, "drop-in"),
}
COMMUNITY_CHANNELS = ["phone", "drop-in", "paper", "meeting", "assisted"]
# The benchmarks' long threads start this many weeks before the current one.
LONG_THREAD_WEEKS_AGO = 9
# A borough neighbourhood sees about this many community posts a week; offline
# contact grows with a neighbourhood's activity from there.
REFERENCE_WEEKLY_POSTS = 3.0


class _PostPlan:
    """A post about to be written."""

    __slots__ = ("time", "author", "acting_for", "place", "organisation", "addressed_to", "kind", "title", "body",
                 "template", "topic", "service", "comments_closed", "closed_from_start", "exact_comments")

    def __init__(self, *, time, author, kind, title, body, place, acting_for=None, organisation=None,
                 addressed_to=None, template=None, topic=None, service=None, comments_closed=False,
                 closed_from_start=False, exact_comments=None):
        self.time = time
        self.author = author
        self.acting_for = acting_for
        self.place = place
        self.organisation = organisation
        self.addressed_to = addressed_to
        self.kind = kind
        self.title = title
        self.body = body
        self.template = template  # the post template from `words`, with its replies and answers
        self.topic = topic
        self.service = service
        self.comments_closed = comments_closed
        self.closed_from_start = closed_from_start
        self.exact_comments = exact_comments


class _Comment:
    """A comment about to be written. `role` says who speaks and why."""

    __slots__ = ("time", "role", "parent", "service", "author", "id", "root_id", "depth", "likes", "thanks")

    def __init__(self, time, role, parent=None, service=None, author=None):
        self.time = time
        self.role = role  # community, answer, thanks, follow-up, chip-in, officer-reply, still-waiting
        self.parent = parent
        self.service = service
        self.author = author
        self.depth = parent.depth + 1 if parent is not None else 0
        self.likes = self.thanks = 0

    @property
    def by_service(self) -> bool:
        return self.service is not None


class Year:
    """Write a year of activity for the borough through the writer."""

    def __init__(self, borough: Borough, writer: ConversationWriter, rng):
        self.borough = borough
        self.writer = writer
        self.rng = rng
        self.text = TextMaker(rng)
        self.council_id = borough.council.pk
        self.scale = borough.scale
        self.counts = Counter()
        # (service id, place index, week) for every week a service was there.
        self.present: set[tuple[int, int, int]] = set()
        self.latest_on_topic: dict[tuple[int, str], int] = {}
        self.long_threads: dict[int, int] = {}  # comment count -> post id
        self.topics = {topic["key"]: topic for topic in words.COMMUNITY_TOPICS}
        self.voluntary_topics = [self.topics[key] for key in words.VOLUNTARY_TOPICS]
        # In a quiet borough (a city shrunk to a few thousand posts) services post less
        # and show up offline more, so their posts do not outnumber everyone else's.
        self.service_posting = min(
            1.0, self.scale.posts / (WEEKS * len(borough.places) * REFERENCE_WEEKLY_POSTS)
        )
        # When a service present in a week has done nothing there yet, it posts an update
        # with this chance, and otherwise meets people offline (a drop-in, a call).
        self.update_chance = 0.5 * self.service_posting**2
        self.weekly_posts = self._weekly_community_posts()
        base = self.scale.comments_per_post * COMMUNITY_COMMENT_SHARE
        self.comment_means = {kind: base * weight for kind, weight in KIND_COMMENT_WEIGHTS.items()}
        self.post_reactions_mean = self.scale.reactions_per_post * 0.45
        self.comment_reactions_mean = self.scale.reactions_per_post * 0.55 / self.scale.comments_per_post

    # The year, week by week ---------------------------------------------------------

    def write(self, progress=None) -> Counter:
        """Write the whole year; return the numbers of rows written, by kind."""
        for week in range(WEEKS):
            posts_before = self.counts["posts"]
            with transaction.atomic() if self.scale.commit_every_week else nullcontext():
                for place in self.borough.places:
                    self._place_week(place, week)
                self._council_week(week)
                self.writer.flush()
            if progress is not None:
                progress.update(self.counts["posts"] - posts_before)
        self.writer.finish()
        return self.counts

    def _weekly_community_posts(self) -> list[float]:
        """Return the expected community posts a week in each place, so that with the
        services' own posts the year comes to about the scale's number of posts."""
        by_services = WEEKS / 8 * sum(ENGAGED in service.patterns for service in self.borough.services)  # blogs
        for service in self.borough.services:
            for place in self.borough.places:
                pattern = service.patterns[place.index]
                if pattern != ABSENT:
                    active = sum(service.active_weeks[place.index])
                    by_services += active * (
                        SERVICE_POST_CHANCE[pattern] * self.service_posting
                        + self.update_chance * IDLE_WEEK_SHARE[pattern]
                    )
        community = max(self.scale.posts - by_services, self.scale.posts / 2)
        # Online participation is lower where deprivation is higher (offline is higher).
        weights = [place.population * (0.6 + 0.08 * place.decile) for place in self.borough.places]
        return [community / WEEKS * weight / sum(weights) for weight in weights]

    def _place_week(self, place: Place, week: int) -> None:
        start, end = self.borough.week_starts[week], self.borough.week_end(week)
        if end <= start:
            return
        fraction = (end - start) / WEEK
        plans = [self._community_post(place, week) for _ in range(self._count(self.weekly_posts[place.index] * fraction))]
        if place.index == 0 and week == WEEKS - 1 - LONG_THREAD_WEEKS_AGO:
            plans += [self._long_thread(place, week, count) for count in self.scale.long_threads]
        for service in self.borough.services:
            if not service.is_active(place, week):
                continue
            if self._chance(SERVICE_POST_CHANCE[service.patterns[place.index]] * self.service_posting):
                plans.append(self._service_post(service, place, week))
        for plan in sorted((plan for plan in plans if plan is not None), key=lambda plan: plan.time):
            self._post_write(plan)
        self._contacts(place, week)
        # A service that is there this week shows up at least once: if nothing it was
        # asked needed an answer, it posts an update of its own, or meets people offline.
        for service in self.borough.services:
            if service.is_active(place, week) and (service.org.id, place.index, week) not in self.present:
                plan = self._service_post(service, place, week, badge=True) if self._chance(self.update_chance) else None
                if plan is not None:
                    self._post_write(plan)
                else:
                    self._service_contact(service, place, week)

    def _council_week(self, week: int) -> None:
        """Blog posts on the services' own pages, about practice rather than a place."""
        for service in self.borough.services:
            if ENGAGED in service.patterns and self._chance(1 / 8):
                time = self._working_time(week, after=self.borough.week_starts[week])
                if time is None:
                    continue
                place = self.rng.choice(self.borough.places)
                title, body = self.text.blog(place.locale)
                author = self.rng.choice(service.patch[service.patterns.index(ENGAGED)])
                self._post_write(_PostPlan(
                    time=time, author=author, acting_for=service.org, place=None, organisation=service.org,
                    kind=Post.Kind.BLOG, title=title, body=body, service=service,
                ))

    # Posts ---------------------------------------------------------------------------

    def _community_post(self, place: Place, week: int) -> _PostPlan:
        rng = self.rng
        time = self._random_time(week)
        acting_for = organisation = None
        topics = words.COMMUNITY_TOPICS
        may_ask = True
        who = rng.random()
        if who < 0.04 and place.officers_living_here:
            # An officer who lives here, posting as a neighbour: no badge.
            author, _ = rng.choice(place.officers_living_here)
            may_ask = False
        elif who < 0.26 and place.groups:
            group = rng.choice(place.groups)
            author = rng.choice(group.members) if group.members else place.person(rng)
            organisation = group
            acting_for = group if rng.random() < 0.8 and group.members else None
        elif who < 0.32:
            org = rng.choice(self.borough.voluntary_orgs)
            author, acting_for, organisation = rng.choice(org.members), org, org
            topics, may_ask = self.voluntary_topics, False
        else:
            author = place.person(rng)

        if may_ask and rng.random() < ADDRESSED_SHARE:
            service = self._service_to_ask(place, week)
            template = rng.choice(words.SERVICE_ASKS[service.key])
            title, body = self._post_text(template, place, closing=False)
            return _PostPlan(time=time, author=author, acting_for=acting_for, place=place, organisation=organisation,
                             addressed_to=service, kind=template["kind"], title=title, body=body, template=template)

        topic = rng.choice(topics)
        templates = topic["posts"]
        template = rng.choices(templates, weights=[KIND_WEIGHTS[template["kind"]] for template in templates])[0]
        title, body = self._post_text(template, place)
        # Now and then a thread is closed once it has run its course.
        return _PostPlan(time=time, author=author, acting_for=acting_for, place=place, organisation=organisation,
                         kind=template["kind"], title=title, body=body, template=template, topic=topic,
                         comments_closed=rng.random() < 0.02)

    def _post_text(self, template, place: Place, *, closing=True) -> tuple[str, str]:
        # Closing lines ("Even an hour would help.") are for neighbours asking each other.
        closings = words.CLOSINGS[template["kind"]] if closing else [""]
        return self.text.post(titles=template["titles"], bodies=template["bodies"], closings=closings,
                              locale=place.locale)

    def _service_to_ask(self, place: Place, week: int) -> ServicePlan:
        weights = []
        first, last = self.borough.service("planning").consultation
        for service in self.borough.services:
            weight = words.ASK_WEIGHTS[service.key]
            if service.key == "housing" and place.decile <= 3:
                weight *= 2
            if service.key == "planning" and first <= week <= last:
                weight *= 4
            weights.append(weight)
        return self.rng.choices(self.borough.services, weights=weights)[0]

    def _service_post(self, service: ServicePlan, place: Place, week: int, *, badge=False) -> _PostPlan | None:
        rng = self.rng
        time = self._working_time(week, after=self.borough.week_starts[week])
        if time is None:
            return None
        templates = words.SERVICE_POSTS[service.key]
        if service.consultation:
            # The consultation opens with an announcement; later posts remind people it is closing.
            kind = "announcement" if week == service.consultation[0] else "update"
            templates = [template for template in templates if template["kind"] == kind]
        if not templates:
            return None
        template = rng.choice(templates)
        title, body = self._post_text(template, place, closing=False)
        # Officers sometimes speak as themselves: the post is then on the community side.
        with_badge = badge or rng.random() < 0.93
        closed = template["kind"] == "announcement" and rng.random() < 0.15
        return _PostPlan(
            time=time, author=service.officer(place, rng), acting_for=service.org if with_badge else None,
            place=place, organisation=service.org if with_badge else None, kind=template["kind"], title=title,
            body=body, template=template, service=service if with_badge else None, comments_closed=closed,
            closed_from_start=closed,
        )

    def _long_thread(self, place: Place, week: int, count: int) -> _PostPlan:
        template = words.LONG_THREADS[len(self.long_threads) % len(words.LONG_THREADS)]
        title, body = self._post_text(template, place)
        plan = _PostPlan(time=self._random_time(week), author=place.person(self.rng), place=place,
                         kind=template["kind"], title=title, body=body, template=template, exact_comments=count)
        self.long_threads[count] = None  # filled in with the post's id when written
        return plan

    def _post_write(self, plan: _PostPlan) -> None:
        """Write the post, its thread, its reactions and their interactions."""
        writer = self.writer
        post_id = writer.post_ids.take()
        thread_id = writer.interaction_ids.take()
        place = plan.place
        organisation = plan.organisation
        neighbourhood_id = place.id if place else (organisation.home.id if organisation and organisation.home else None)
        group_id = organisation.id if organisation is not None and not organisation.is_service else None
        # Who comments and reacts: the neighbourhood's people, or anyone's for a
        # council-wide post.
        audience = place or self.rng.choice(self.borough.places)
        context = (post_id, thread_id, neighbourhood_id, group_id)

        comments = self._thread(plan, audience)
        for comment in comments:
            self._reactions(context, comment.time, comment.author, audience, comment=comment,
                            mean=self.comment_reactions_mean, thanks_share=0.5 if comment.by_service else 0.15)
        used = set()  # the texts already said in this thread, so people don't repeat each other
        for comment in comments:
            self._comment_write(context, plan, comment, audience, used)
        post_counts = _Comment(plan.time, "post")
        self._reactions(context, plan.time, plan.author, audience, comment=None, mean=self.post_reactions_mean,
                        thanks_share=0.4 if plan.kind in ("offer", "announcement") else 0.15, counts=post_counts)

        writer.posts.add((
            post_id, self.council_id, plan.kind, plan.title.strip(), plan.body, self.text.html(plan.body), plan.author,
            _id(plan.acting_for), _id(place), _id(organisation), _id(plan.addressed_to and plan.addressed_to.org),
            plan.comments_closed, plan.time, len(comments), post_counts.likes, post_counts.thanks,
        ))
        writer.interactions.add((
            thread_id, self.council_id, None, plan.time, Interaction.Kind.POST, plan.author, _id(plan.acting_for),
            neighbourhood_id, group_id, Interaction.Channel.ONLINE, thread_id,
            _id(plan.addressed_to and plan.addressed_to.org), post_id, None,
        ))
        self.counts["posts"] += 1
        self.counts[f"posts:{plan.kind}"] += 1
        if plan.acting_for is not None and plan.acting_for.is_service and place is not None:
            self._mark_present(plan.acting_for.id, place, plan.time)
        if plan.exact_comments is not None:
            self.long_threads[plan.exact_comments] = post_id
        if plan.topic is not None and place is not None:
            self._see_also(plan, post_id, place)

    def _see_also(self, plan: _PostPlan, post_id: int, place: Place) -> None:
        """Now and then, link a post to the last one on the same topic in the same place."""
        key = (place.index, plan.topic["key"])
        earlier = self.latest_on_topic.get(key)
        if earlier is not None and self.rng.random() < 0.03:
            self.writer.post_links.add((self.writer.post_link_ids.take(), self.council_id, post_id, earlier,
                                        plan.author, plan.time))
            self.counts["see_also_links"] += 1
        self.latest_on_topic[key] = post_id

    # Threads -------------------------------------------------------------------------

    def _thread(self, plan: _PostPlan, audience: Place) -> list[_Comment]:
        """Return the post's comments in time order, with parents, roots and depths set."""
        rng = self.rng
        comments: list[_Comment] = []
        if plan.exact_comments is not None:
            # The benchmarks need this many comments exactly, so they are spread over
            # the weeks between the post and now rather than left to chance.
            span = min(40 * DAY, self.borough.until - plan.time - 60)
            times = sorted(plan.time + 30 + rng.random() * span for _ in range(plan.exact_comments))
            comments = [_Comment(int(time), "community") for time in times]
            self._community_parents(comments)
        elif not plan.closed_from_start:
            time = plan.time
            for position in range(self._geometric(self.comment_means[plan.kind])):
                # Most of a conversation happens in the first day or two, then it slows.
                time += self._gap(hours=1.5 * (1 + position / 3))
                comments.append(_Comment(int(time), "community"))
            self._community_parents(comments)
            comments += self._service_comments(plan, audience, comments)
            comments.sort(key=lambda comment: comment.time)
            # Anything that would happen after now has not happened yet.
            comments = [comment for comment in comments if comment.time < self.borough.until]

        writer = self.writer
        for comment in comments:
            comment.id = writer.comment_ids.take()
            parent = comment.parent
            comment.depth = parent.depth + 1 if parent else 0
            comment.root_id = parent.root_id if parent else comment.id
            if comment.service is not None:
                comment.author = comment.service.officer(audience, rng)
            elif comment.author is None:
                comment.author = self._commenter(plan, comment, audience)
        return comments

    def _community_parents(self, comments: list[_Comment]) -> None:
        """Thread the comments: about half reply to the post, the rest to a recent comment."""
        rng = self.rng
        for position, comment in enumerate(comments):
            if position == 0 or rng.random() < 0.5:
                continue
            parent = comments[rng.randrange(max(0, position - 4), position)]
            # Deep threads are hard to read on a phone; past a point, people reply alongside.
            while parent is not None and parent.depth >= MAX_DEPTH:
                parent = parent.parent
            comment.parent = parent
            comment.depth = parent.depth + 1 if parent is not None else 0

    def _service_comments(self, plan: _PostPlan, place: Place, comments: list[_Comment]) -> list[_Comment]:
        """Return what services add to the thread: answers, follow-ups and offers of help."""
        rng = self.rng
        added = []
        if plan.addressed_to is not None:
            service = plan.addressed_to
            answered = self._answer_time(service, place, plan.time)
            if answered is not None:
                answer = _Comment(answered, "answer", service=service)
                added.append(answer)
                if rng.random() < 0.55:
                    thanks = _Comment(int(answered + self._gap(hours=4)), "thanks", parent=answer, author=plan.author)
                    added.append(thanks)
                    follow_up = self._working_shift(thanks.time + self._gap(hours=6))
                    if rng.random() < 0.4 and service.is_active(place, self.borough.week_of(follow_up)):
                        added.append(_Comment(follow_up, "follow-up", parent=thanks, service=service))
            elif rng.random() < 0.4:
                added.append(_Comment(int(plan.time + rng.uniform(4, 12) * DAY), "still-waiting", author=plan.author))
        elif plan.service is not None:
            # The officer who posted replies to some of the comments, when they are around.
            for comment in comments:
                if comment.parent is None and rng.random() < 0.35:
                    time = self._working_shift(comment.time + self._gap(hours=5))
                    if plan.service.is_active(place, self.borough.week_of(time)):
                        added.append(_Comment(time, "officer-reply", parent=comment, service=plan.service))
        elif plan.topic is not None and plan.place is not None and plan.kind != "update":
            # A service offers help with what is being planned or asked, not with news.
            for key in plan.topic["services"]:
                service = self.borough.service(key)
                chance = CHIP_IN_CHANCE.get(service.patterns[place.index], 0)
                if chance and rng.random() < chance:
                    time = self._working_shift(plan.time + self._gap(hours=10))
                    if service.is_active(place, self.borough.week_of(time)):
                        added.append(_Comment(time, "chip-in", service=service))
        return added

    def _commenter(self, plan: _PostPlan, comment: _Comment, place: Place) -> int:
        rng = self.rng
        # The author often answers replies to their own post.
        if comment.parent is not None and comment.parent.author != plan.author and rng.random() < 0.3:
            return plan.author
        for _ in range(3):
            person = place.person(rng)
            if person != plan.author:
                return person
        return person

    def _comment_write(self, context, plan: _PostPlan, comment: _Comment, place: Place, used: set) -> None:
        post_id, thread_id, neighbourhood_id, group_id = context
        body = self._comment_text(plan, comment, place, used)
        acting_for = comment.service.org.id if comment.service is not None else None
        self.writer.comments.add((
            comment.id, self.council_id, post_id, comment.parent.id if comment.parent else None, comment.root_id,
            comment.depth, comment.author, acting_for, body, self.text.html(body), comment.time,
            comment.likes, comment.thanks,
        ))
        self.writer.interactions.add((
            self.writer.interaction_ids.take(), self.council_id, None, comment.time, Interaction.Kind.COMMENT,
            comment.author, acting_for, neighbourhood_id, group_id, Interaction.Channel.ONLINE, thread_id, None, post_id,
            None,
        ))
        self.counts["comments"] += 1
        if comment.service is not None:
            self.counts["service_comments"] += 1
            if plan.place is not None:
                self._mark_present(comment.service.org.id, plan.place, comment.time)

    def _comment_text(self, plan: _PostPlan, comment: _Comment, place: Place, used: set) -> str:
        rng, locale = self.rng, place.locale
        template = plan.template or {}

        def say(pool):
            return self.text.comment(pool, locale, used=used)

        match comment.role:
            case "answer":
                return say(template.get("answers") or words.OFFICER_REPLIES)
            case "thanks":
                return say(words.THANKS_TO_SERVICE)
            case "follow-up":
                return say(words.SERVICE_FOLLOW_UPS)
            case "chip-in":
                return say(plan.topic["services"][comment.service.key])
            case "officer-reply":
                return say(template.get("answers") or words.OFFICER_REPLIES)
            case "still-waiting":
                return say(words.STILL_WAITING)
        if comment.parent is not None:
            if comment.author == plan.author and rng.random() < 0.5:
                return say(words.AUTHOR_THANKS)
            return say(words.REPLIES)
        # What people say about this post in particular, then what fits any post of its kind.
        by_service = plan.acting_for is not None and plan.acting_for.is_service
        general = words.SERVICE_POST_COMMENTS if by_service else words.KIND_COMMENTS[plan.kind]
        if plan.addressed_to is not None:
            pools = [words.ASK_COMMENTS[plan.kind]]
        elif template.get("replies") and rng.random() < 0.7:
            pools = [template["replies"], general]
        else:
            pools = [general]
        return self.text.comment_from(pools + [words.REPLIES], locale, used=used)

    def _answer_time(self, service: ServicePlan, place: Place, posted: int) -> int | None:
        """Return when the service answers a post addressed to it, or None if it never does."""
        pattern = service.patterns[place.index]
        borough = self.borough
        if pattern == ABSENT:
            return None
        if pattern == DOCKING:
            # Questions raised during the consultation are answered together when it
            # closes; before and after it, nobody is listening.
            first, last = service.consultation
            if not borough.week_starts[first] <= posted < borough.week_end(last):
                return None
            return self._working_time(last, after=posted)
        if self.rng.random() > ANSWER_CHANCE[pattern]:
            return None
        answered = self._working_shift(posted + self._gap(hours=ANSWER_MEDIAN_HOURS[pattern]))
        week = borough.week_of(answered)
        for later in range(week, min(week + ANSWER_WAIT_WEEKS[pattern] + 1, WEEKS)):
            if service.is_active(place, later):
                return answered if later == week else self._working_time(later, after=posted)
        return None

    # Reactions -----------------------------------------------------------------------

    def _reactions(self, context, target_time, author, place, *, comment, mean, thanks_share, counts=None):
        """Write reactions to a post (comment=None) or a comment, counting them on `counts`."""
        post_id, thread_id, neighbourhood_id, group_id = context
        counts = counts or comment
        rng = self.rng
        writer = self.writer
        given = set()
        for _ in range(self._geometric(mean)):
            person = place.person(rng)
            kind = Reaction.Kind.THANKS if rng.random() < thanks_share else Reaction.Kind.LIKE
            time = int(target_time + self._gap(hours=8))
            if person == author or (person, kind) in given or time >= self.borough.until:
                continue
            given.add((person, kind))
            if kind == Reaction.Kind.LIKE:
                counts.likes += 1
            else:
                counts.thanks += 1
            writer.reactions.add((writer.reaction_ids.take(), self.council_id, person, post_id,
                                  comment.id if comment else None, kind, time))
            writer.interactions.add((
                writer.interaction_ids.take(), self.council_id, None, time, Interaction.Kind.REACTION, person, None,
                neighbourhood_id, group_id, Interaction.Channel.ONLINE, thread_id, None, post_id, None,
            ))
            self.counts["reactions"] += 1

    # Offline contact -----------------------------------------------------------------

    def _contacts(self, place: Place, week: int) -> None:
        """Phone calls, drop-ins, meetings, paper forms and assisted visits this week."""
        rng = self.rng
        busyness = self.weekly_posts[place.index] / REFERENCE_WEEKLY_POSTS
        # A service's team does not grow as fast as the place it serves.
        service_busyness = math.sqrt(busyness)
        for service in self.borough.services:
            if not service.is_active(place, week) or service.key not in SERVICE_CONTACTS:
                continue
            for _ in range(self._count(SERVICE_CONTACTS[service.key][0] * service_busyness)):
                self._service_contact(service, place, week)
        # More of the contact in the most deprived places is offline, and more assisted.
        expected = (11 - place.decile) / 5 * busyness
        weights = [3, 3, 2, 2, 4 if place.decile <= 3 else 1]
        planning = self.borough.service("planning")
        if planning.consultation and planning.consultation[0] <= week <= planning.consultation[1]:
            expected += 1.5 * busyness  # paper responses to the consultation
        for _ in range(self._count(expected)):
            time = self._random_time(week)
            channel = rng.choices(COMMUNITY_CHANNELS, weights=weights)[0]
            group = rng.choice(place.groups) if channel == "meeting" and place.groups else None
            self._contact_write(time, place.person(rng), None, place, group, channel)

    def _service_contact(self, service: ServicePlan, place: Place, week: int) -> None:
        time = self._working_time(week, after=self.borough.week_starts[week])
        if time is not None:
            channel = SERVICE_CONTACTS.get(service.key, (0, "phone"))[1]
            self._contact_write(time, service.officer(place, self.rng), service.org.id, place, None, channel)
            self._mark_present(service.org.id, place, time)

    def _contact_write(self, time, actor, acting_for_id, place, group, channel) -> None:
        self.writer.interactions.add((
            self.writer.interaction_ids.take(), self.council_id, None, time, Interaction.Kind.CONTACT, actor,
            acting_for_id, place.id, group.id if group else None, channel, None, None, None, None,
        ))
        self.counts["contacts"] += 1

    # Time and chance -----------------------------------------------------------------

    def _mark_present(self, service_id: int, place: Place, time: int) -> None:
        self.present.add((service_id, place.index, self.borough.week_of(time)))

    def _random_time(self, week: int) -> int:
        """Return a time in the week, by day rather than in the small hours."""
        start, end = self.borough.week_starts[week], self.borough.week_end(week)
        time = start + self.rng.random() * (end - start)
        if (time - start) % DAY < 7 * HOUR and time + 8 * HOUR < end:
            time += 8 * HOUR
        return int(time)

    def _working_time(self, week: int, *, after: float) -> int | None:
        """Return a time in the week's working hours (Monday to Friday, 8.30 to 17.30) after `after`."""
        start, end = self.borough.week_starts[week], self.borough.week_end(week)
        windows = []
        for day in range(5):
            opens = max(start + day * DAY + 8.5 * HOUR, after + 60)
            closes = min(start + day * DAY + 17.5 * HOUR, end)
            if opens < closes:
                windows.append((opens, closes))
        if not windows:
            return None
        opens, closes = self.rng.choice(windows)
        return int(self.rng.uniform(opens, closes))

    def _working_shift(self, time: float) -> int:
        """Move a time forward into working hours, as officers reply from work (mostly)."""
        borough = self.borough
        week = borough.week_of(time)
        if not 0 <= week < WEEKS:
            return int(time)
        day, seconds = divmod(time - borough.week_starts[week], DAY)
        if day < 5 and (8 * HOUR <= seconds < 18 * HOUR or (seconds < 21 * HOUR and self.rng.random() < 0.2)):
            return int(time)
        if day < 5 and seconds < 8 * HOUR:
            morning = borough.week_starts[week] + day * DAY
        elif day < 4:
            morning = borough.week_starts[week] + (day + 1) * DAY
        else:
            morning = borough.week_starts[week] + 7 * DAY
        return int(morning + 8.5 * HOUR + self.rng.random() * 2 * HOUR)

    def _gap(self, *, hours: float) -> float:
        """Return a waiting time in seconds with the given median: usually short, sometimes long."""
        return self.rng.lognormvariate(math.log(hours * HOUR), 1.0)

    def _geometric(self, mean: float) -> int:
        """Return a count with the given mean: often small, now and then large."""
        if mean <= 0:
            return 0
        return int(math.log(1.0 - self.rng.random()) / math.log(mean / (1 + mean)))

    def _count(self, expected: float) -> int:
        """Return the whole part of `expected`, plus one with the chance of its fraction."""
        whole = int(expected)
        return whole + (self.rng.random() < expected - whole)

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability


def _id(thing):
    return thing.id if thing is not None else None
