"""Posts, threaded comments, reactions, follows and "see also" links."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from villagehall.core.addresses import address
from villagehall.core.tenancy import CouncilOwned


class State(models.TextChoices):
    """Where a post or comment stands with the moderators."""

    PUBLISHED = "published", "Published"
    HELD = "held", "Waiting for a moderator"
    HIDDEN = "hidden", "Hidden by a moderator"


class Post(CouncilOwned):
    """Something said in a neighbourhood and/or on an organisation's page."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        QUESTION = "question", "Question"
        REQUEST = "request", "Request for help"
        OFFER = "offer", "Offer"
        IDEA = "idea", "Idea"
        ANNOUNCEMENT = "announcement", "Announcement"
        BLOG = "blog", "Blog post"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UPDATE)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, help_text="The body, rendered and sanitised.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    acting_for = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="posts_as",
        help_text="The organisation the author spoke for, shown as its badge; empty means as themselves.",
    )
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    organisation = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="page_posts",
        help_text="The organisation whose page the post is on.",
    )
    addressed_to = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="addressed_posts",
        limit_choices_to={"kind": "council_service"},
        help_text="A council service the post asks or speaks to (“Ask Parks”).",
    )
    comments_closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)
    comment_count = models.PositiveIntegerField(default=0)
    # Goes up with every reply to the post and every reaction to a reply. A post's kept replies
    # are keyed by it and by the council's records_version (core.page_cache), so they outlast
    # what happens on other posts.
    comments_version = models.PositiveIntegerField(default=0, editable=False)
    # Goes up with every change to the conversation this page shows (the post, its replies,
    # reactions, links and closing): a kept page moves on to the council's next content version
    # without being drawn again while this and the council's records_version stay as they were
    # (core.page_cache).
    conversation_version = models.PositiveBigIntegerField(default=0, editable=False)
    like_count = models.PositiveIntegerField(default=0)
    thanks_count = models.PositiveIntegerField(default=0)
    see_also = models.ManyToManyField("self", through="PostLink", symmetrical=False, related_name="+", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    moderator_note = models.TextField(blank=True, help_text="Shown under the text when a moderator has edited it.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Each list reads newest first with the id to break ties, so the indexes end the
            # same way and the database never sorts a whole neighbourhood's posts.
            models.Index(fields=["council", "-created_at", "-id"], name="post_council_latest"),
            models.Index(fields=["council", "neighbourhood", "-created_at", "-id"], name="post_neighbourhood_feed"),
            models.Index(fields=["council", "organisation", "-created_at", "-id"], name="post_organisation_page"),
            # An organisation's page also shows what it said elsewhere (conversation.selectors).
            models.Index(fields=["council", "acting_for", "-created_at", "-id"], name="post_said_for_organisation"),
            models.Index(fields=["council", "author", "-created_at", "-id"], name="post_by_author"),
            # The moderation queue: the few posts that are not simply published.
            models.Index(fields=["council", "created_at"], condition=~Q(state="published"), name="post_not_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(neighbourhood__isnull=False) | Q(organisation__isnull=False),
                name="post_has_a_place",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("post", council_slug=self.council_slug, post_id=self.pk)


class PostLink(CouncilOwned):
    """A "see also" link from one post to a related one."""

    from_post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links_out")
    to_post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links_in")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_post", "to_post"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(from_post=models.F("to_post")), name="no_link_to_self"),
        ]


class Comment(CouncilOwned):
    """A reply to a post or to another comment."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    # The top-level comment this one hangs under (itself when top-level), so a page of
    # top-level comments and all their replies load in two queries.
    root = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    acting_for = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="comments_as"
    )
    body = models.TextField()
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField()
    like_count = models.PositiveIntegerField(default=0)
    thanks_count = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    moderator_note = models.TextField(blank=True, help_text="Shown under the text when a moderator has edited it.")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["post", "depth", "created_at", "id"], name="comment_top_level"),
            models.Index(fields=["root", "created_at", "id"], name="comment_by_root"),
            models.Index(fields=["council", "created_at"], condition=~Q(state="published"), name="comment_not_published"),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.post_id}"

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"


class Reaction(CouncilOwned):
    """A "like" or "thanks" on a post or a comment."""

    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        THANKS = "thanks", "Thanks"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "post", "kind"], condition=Q(comment__isnull=True), name="one_reaction_per_post"
            ),
            models.UniqueConstraint(
                fields=["person", "comment", "kind"], condition=Q(comment__isnull=False),
                name="one_reaction_per_comment",
            ),
        ]
        indexes = [models.Index(fields=["person", "post"], name="reaction_by_person")]


class Follow(CouncilOwned):
    """A person following a neighbourhood, an organisation, a post or another person."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    neighbourhood = models.ForeignKey("places.Neighbourhood", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    TARGETS = ("neighbourhood", "organisation", "post", "person")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(neighbourhood__isnull=False, organisation__isnull=True, post__isnull=True, person__isnull=True)
                    | Q(neighbourhood__isnull=True, organisation__isnull=False, post__isnull=True, person__isnull=True)
                    | Q(neighbourhood__isnull=True, organisation__isnull=True, post__isnull=False, person__isnull=True)
                    | Q(neighbourhood__isnull=True, organisation__isnull=True, post__isnull=True, person__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
        ] + [
            models.UniqueConstraint(
                fields=["council", "follower", target], condition=Q(**{f"{target}__isnull": False}),
                name=f"follow_{target}_once",
            )
            for target in ("neighbourhood", "organisation", "post", "person")
        ]
