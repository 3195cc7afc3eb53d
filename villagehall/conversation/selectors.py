"""Reads in the shared space. Each list runs a fixed number of queries however long it is."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from villagehall.conversation.models import Comment, Follow, Post, PostLink, State
from villagehall.moderation.selectors import person_is_moderator
from villagehall.people.models import Membership

POST_LIST_RELATED = ("author", "acting_for", "neighbourhood", "organisation", "addressed_to")


def _posts():
    return Post.objects.select_related(*POST_LIST_RELATED)


@dataclass(frozen=True)
class Reader:
    """Who is reading, as far as lists care: the members-only spaces they belong to in this council."""

    spaces: frozenset = frozenset()

    @property
    def cache_key(self) -> str:
        """Part of a cached list's key: readers who see the same posts share it."""
        return "m" + "-".join(str(pk) for pk in sorted(self.spaces)) if self.spaces else "public"


PUBLIC = Reader()


def _readable(reader: Reader) -> Q:
    shown = Q(organisation__isnull=True) | Q(organisation__members_only=False)
    if reader.spaces:
        shown |= Q(organisation_id__in=sorted(reader.spaces))
    return shown


def _listed_posts(reader: Reader):
    """Posts as every list shows them: published ones (never held or hidden), outside members-only spaces
    unless the reader is a member."""
    return _posts().filter(_readable(reader), state=State.PUBLISHED)


def in_members_only_space(post) -> bool:
    """Return True if the post is on the page of an organisation whose space is for members only."""
    return post.organisation_id is not None and post.organisation.members_only


def post_visible_to(*, post, person) -> bool:
    """Return True if the person may open the post.

    Published posts are for everyone, held or hidden ones for their author and the moderators;
    a post in a members-only space is for its members (and the moderators) only.
    """
    private = in_members_only_space(post)
    if post.state == State.PUBLISHED and not private:
        return True
    if person is None or not person.is_authenticated:
        return False
    if person_is_moderator(person=person):
        return True
    if private and not Membership.objects.filter(person=person, organisation_id=post.organisation_id).exists():
        return False
    return post.state == State.PUBLISHED or post.author_id == person.pk


def _comments_for(person):
    """Replies a reader sees: published ones, hidden ones (as a line saying so), and their own held ones."""
    shown = Q(state__in=[State.PUBLISHED, State.HIDDEN])
    if person is not None and person.is_authenticated:
        shown |= Q(author=person)
    return Comment.objects.filter(shown)


class _MergedPosts:
    """Posts from several lists, newest first without repeats, as a paginator pages them.

    One query with an OR of the lists walks every post in the council (the index that gives
    the order holds them all, and SQLite cannot tell how few match); each list alone walks
    its own index. A page reads the newest keys of each list down to the page's end, merges
    them, then reads that page's posts by id.
    """

    def __init__(self, *lists):
        self.lists = lists

    def __getitem__(self, page):
        keys = set()
        for posts in self.lists:
            keys.update(posts.order_by("-created_at", "-id").values_list("created_at", "pk")[:page.stop])
        ids = [pk for _, pk in sorted(keys, reverse=True)][page]
        # Unordered: ordered, the database would walk the council's posts in order looking for these.
        found = {post.pk: post for post in _posts().filter(pk__in=ids).order_by()}
        return [found[pk] for pk in ids]


class _PageOfUncounted(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next


class UncountedPaginator(Paginator):
    """Pages of a list too long to count for every page (a busy neighbourhood holds tens of
    thousands of posts, and counting them cost more than the rest of the page): each page
    reads one post more than it shows, to know whether another page follows."""

    num_pages = None  # not known: the pager says "Page 3", not "Page 3 of 2,182"

    def validate_number(self, number):
        try:
            return max(1, int(number))
        except (TypeError, ValueError):
            return 1

    def get_page(self, number):
        return self.page(number)

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start:start + self.per_page + 1])
        return _PageOfUncounted(rows[:self.per_page], number, self, has_next=len(rows) > self.per_page)


def post_feed(*, neighbourhood=None, organisation=None, author=None, kind=None, page=1, reader=PUBLIC):
    """Return a page of posts the reader may see, newest first, for a neighbourhood, an organisation's page or an author."""
    posts = _listed_posts(reader)
    if neighbourhood is not None:
        posts = posts.filter(neighbourhood=neighbourhood)
    if author is not None:
        posts = posts.filter(author=author)
    if kind:
        posts = posts.filter(kind=kind)
    if organisation is not None:
        # An organisation's page shows what is on it and what it said elsewhere.
        posts = _MergedPosts(posts.filter(organisation=organisation), posts.filter(acting_for=organisation))
    return UncountedPaginator(posts, settings.FEED_PAGE_SIZE).get_page(page)


def council_recent_posts(*, limit=10, reader=PUBLIC):
    """Return the latest posts across the current council that the reader may see."""
    return list(_listed_posts(reader)[:limit])


def post_get(*, post_id, person=None) -> Post:
    """Return the post with its related rows if the person may see it, or raise Post.DoesNotExist alike for missing and unseen."""
    post = _posts().get(pk=post_id)
    if not post_visible_to(post=post, person=person):
        raise Post.DoesNotExist
    return post


@dataclass
class CommentNode:
    comment: Comment
    replies: list = field(default_factory=list)
    hidden_replies: int = 0  # replies under a top-level comment left for its own page


@dataclass
class CommentPage:
    nodes: list
    shown: int  # top-level comments shown so far, including earlier pages
    total_top_level: int
    next_page: int | None
    next_first_id: int | None = None  # the first comment the "show more" link brings into view

    def comment_ids(self) -> list[int]:
        ids, stack = [], list(self.nodes)
        while stack:
            node = stack.pop()
            ids.append(node.comment.pk)
            stack.extend(node.replies)
        return ids


def _build_tree(roots, replies) -> list[CommentNode]:
    nodes = {comment.pk: CommentNode(comment) for comment in roots}
    for reply in replies:
        nodes[reply.pk] = CommentNode(reply)
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.replies.append(nodes[reply.pk])
    return [nodes[root.pk] for root in roots]


def comment_tree_page(*, post, page=1, cumulative=True, person=None) -> CommentPage:
    """Return top-level comments (oldest first) with their first replies, one page at a time.

    Each top-level comment brings at most REPLIES_SHOWN replies (the earliest, so every
    reply's parent is among them); the rest are a link away, so one busy sub-thread cannot
    make the page heavy. With `cumulative`, pages 1..page come together: the
    no-JavaScript "show more" link reloads the post with more comments. Without it, only
    that page (for htmx).
    """
    size = settings.COMMENTS_PAGE_SIZE
    page = max(1, page)
    comments = _comments_for(person)
    top_level = comments.filter(post=post, depth=0)
    total = top_level.count()
    start = 0 if cumulative else (page - 1) * size
    end = page * size
    # One beyond the page, to know where the "show more" link should land.
    roots = list(top_level.select_related("author", "acting_for").order_by("created_at", "id")[start:end + 1])
    next_first_id = roots.pop().pk if len(roots) > end - start else None
    replies = []
    if roots:
        replies = list(
            comments.filter(root__in=roots, depth__gt=0)
            .annotate(
                place=Window(RowNumber(), partition_by=F("root_id"), order_by=[F("created_at"), F("id")]),
                under_root=Window(Count("id"), partition_by=F("root_id")),
            )
            .filter(place__lte=settings.COMMENT_REPLIES_SHOWN)
            .select_related("author", "acting_for")
            .order_by("created_at", "id")
        )
    nodes = _build_tree(roots, replies)
    totals = {reply.root_id: reply.under_root for reply in replies}
    for node in nodes:
        node.hidden_replies = max(0, totals.get(node.comment.pk, 0) - settings.COMMENT_REPLIES_SHOWN)
    return CommentPage(
        nodes=nodes,
        shown=min(end, total),
        total_top_level=total,
        next_page=page + 1 if next_first_id else None,
        next_first_id=next_first_id,
    )


def comment_page_number(*, comment, person=None) -> int:
    """Return the page of the post's comments on which this comment (or its top-level comment) shows."""
    root = comment if comment.depth == 0 else Comment.objects.only("created_at").get(pk=comment.root_id)
    earlier = _comments_for(person).filter(post_id=comment.post_id, depth=0).filter(
        Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, id__lt=root.pk)
    ).count()
    return earlier // settings.COMMENTS_PAGE_SIZE + 1


def comment_thread(*, post, root_id, person=None) -> CommentNode:
    """Return one top-level comment with every reply under it, or raise Comment.DoesNotExist."""
    comments = _comments_for(person)
    root = comments.select_related("author", "acting_for").get(post=post, pk=root_id, depth=0)
    replies = list(
        comments.filter(root=root, depth__gt=0).select_related("author", "acting_for").order_by("created_at", "id")
    )
    return _build_tree([root], replies)[0]


def has_held_comments(*, post, person) -> bool:
    """Return True if the person has replies on the post waiting for a moderator, which only they see there."""
    # Among the council's replies that are not published (a small partial index), not the post's
    # own replies, which on a busy post are many.
    return person.is_authenticated and (
        Comment.objects.exclude(state=State.PUBLISHED)
        .filter(state=State.HELD, post=post, author=person).exists()
    )


def see_also(*, post, reader=PUBLIC) -> list[Post]:
    """Return the posts this post links to that the reader may see."""
    readable = Q(to_post__organisation__isnull=True) | Q(to_post__organisation__members_only=False)
    if reader.spaces:
        readable |= Q(to_post__organisation_id__in=sorted(reader.spaces))
    return [
        link.to_post
        for link in PostLink.objects.filter(readable, from_post=post, to_post__state=State.PUBLISHED)
        .select_related("to_post").order_by("created_at")
    ]


@dataclass
class Following:
    neighbourhoods: list
    organisations: list
    people: list
    posts: list
    latest: object  # a page of posts from everything followed


def following_for(*, person, page=1, reader=PUBLIC) -> Following:
    """Return what the person follows in the current council, and the latest posts from it that they may see."""
    follows = list(
        Follow.objects.filter(follower=person)
        .select_related("neighbourhood", "organisation", "post__organisation", "person")
    )
    neighbourhoods = [f.neighbourhood for f in follows if f.neighbourhood_id]
    organisations = [f.organisation for f in follows if f.organisation_id]
    people = [f.person for f in follows if f.person_id]
    posts = [
        f.post for f in follows
        if f.post_id and f.post.state == State.PUBLISHED
        and (not in_members_only_space(f.post) or f.post.organisation_id in reader.spaces)
    ]
    matches = Q(pk__in=[p.pk for p in posts])
    if neighbourhoods:
        matches |= Q(neighbourhood__in=neighbourhoods)
    if organisations:
        matches |= Q(organisation__in=organisations) | Q(acting_for__in=organisations)
    if people:
        matches |= Q(author__in=people)
    latest = Paginator(_listed_posts(reader).filter(matches), settings.FEED_PAGE_SIZE).get_page(page)
    return Following(neighbourhoods, organisations, people, posts, latest)


def memberships_shown(*, person, reader=PUBLIC):
    """Return the person's memberships in the current council that the reader may know of."""
    shown = Q(organisation__members_only=False)
    if reader.spaces:
        shown |= Q(organisation_id__in=sorted(reader.spaces))
    return Membership.objects.filter(shown, person=person).select_related("organisation")
