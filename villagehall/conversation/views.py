"""Pages of the shared space: thin views that parse input, call one service or selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from villagehall.conversation import selectors, services
from villagehall.conversation.forms import CommentForm, PostForm
from villagehall.conversation.models import Comment, Post, Reaction, State
from villagehall.core.page_cache import conversation_shown, page_not_kept, shared_page
from villagehall.guests.forms import GuestCommentForm
from villagehall.moderation.rate_limits import RateLimited, rate_limit_take
from villagehall.moderation.selectors import profile_shown_to
from villagehall.people.models import Organisation, Person
from villagehall.people.selectors import council_services, organisations_person_can_speak_for
from villagehall.people.views import refusal_message
from villagehall.places.models import Neighbourhood


HELD_MESSAGE = (
    "Thank you. Your {what} is waiting for a moderator to read it, and shows once they have. "
    "You will get a notification."
)


def _page_number(request, name="page") -> int:
    try:
        return max(1, int(request.GET.get(name, 1)))
    except ValueError:
        return 1


def _reader(request) -> selectors.Reader:
    """Return what the person may read in lists in this council (everyone public posts; members their
    members-only spaces), from the summary every page reads of them anyway (core.personal)."""
    if not request.user.is_authenticated:
        return selectors.PUBLIC
    return selectors.Reader(request.personal.summary.spaces)


def _lazy_feed(**criteria):
    """Return a page of posts that is only read if the page's cached list is missing."""
    return SimpleLazyObject(lambda: selectors.post_feed(**criteria))


def access_post(post_id, person=None) -> Post:
    """Return the post in the current council if the person may see it, or 404 alike for missing, elsewhere and unseen."""
    try:
        return selectors.post_get(post_id=post_id, person=person)
    except Post.DoesNotExist:
        raise Http404("There is no such post here.")


def _conversation_of(model, lookup, argument, prefix):
    """Return how @conversation_shown reads the version of the conversation on the page of a
    neighbourhood, an organisation or a post, named in the address."""
    def read(view_kwargs):
        row = model.objects.filter(**{lookup: view_kwargs[argument]}).values_list("pk", "conversation_version").first()
        return None if row is None else f"{prefix}{row[0]}.{row[1]}"

    return read


@shared_page
@require_GET
def council_home(request, council_slug):
    return render(request, "conversation/council_home.html", {
        "neighbourhoods": Neighbourhood.objects.all(),
        "organisations": Organisation.objects.select_related(None).order_by("kind", "name"),
        "recent_posts": selectors.council_recent_posts(limit=10, reader=_reader(request)),
    })


@conversation_shown(_conversation_of(Neighbourhood, "slug", "neighbourhood_slug", "n"))
@shared_page
@require_GET
def neighbourhood_feed(request, council_slug, neighbourhood_slug):
    neighbourhood = get_object_or_404(Neighbourhood, slug=neighbourhood_slug)
    kind = request.GET.get("kind") or ""
    if kind and kind not in Post.Kind.values:
        kind = ""
    number = _page_number(request)
    reader = _reader(request)
    page = _lazy_feed(neighbourhood=neighbourhood, kind=kind, page=number, reader=reader)
    return render(request, "conversation/neighbourhood_feed.html", {
        "neighbourhood": neighbourhood,
        "page": page,
        "list_key": f"n{neighbourhood.pk}:{kind}:{number}:{reader.cache_key}",
        "kind": kind,
        "kinds": Post.Kind.choices,
        "follow_target": ("neighbourhood", neighbourhood.pk),
    })


@conversation_shown(_conversation_of(Organisation, "slug", "organisation_slug", "o"))
@shared_page
@require_GET
def organisation_page(request, council_slug, organisation_slug):
    organisation = get_object_or_404(Organisation.objects.select_related("neighbourhood"), slug=organisation_slug)
    number = _page_number(request)
    reader = _reader(request)
    page = _lazy_feed(organisation=organisation, page=number, reader=reader)
    members = organisation.memberships.select_related("person").order_by("person__display_name")
    return render(request, "conversation/organisation.html", {
        "organisation": organisation,
        # A members-only space is closed to all but its members and the moderators: read from
        # what the page is kept by (the reader's spaces and whether they moderate).
        "closed": organisation.members_only and organisation.pk not in reader.spaces
        and not request.personal.summary.moderating,
        "page": page,
        "list_key": f"o{organisation.pk}:{number}:{reader.cache_key}",
        "members": members,
        "follow_target": ("organisation", organisation.pk),
    })


def post_page_render(request, post, *, guest_form=None, status=200):
    """Render a post's page; with a guest's comment form, it shows what they typed and why it was refused."""
    return _post_page(request, post, guest_form=guest_form, status=status)


def _comments_key(request, post, part) -> str:
    """Return the part of the key of a post's kept comments that says who they are kept for.

    Everyone signed in sees the same comments (reactions, their own replies and moderating
    are filled in per person), apart from their own replies still waiting for a moderator:
    someone with those gets comments of their own.
    """
    person = request.user
    if not person.is_authenticated:
        return f"{part}:anonymous"
    # The reader's summary counts their waiting replies across the council: none there, none here.
    if request.personal.summary.held_comments and selectors.has_held_comments(post=post, person=person):
        return f"{part}:person{person.pk}"
    return f"{part}:signed-in"


def _post_page(request, post, *, comment_form=None, guest_form=None, status=200):
    thread_id = request.GET.get("thread", "")
    if thread_id.isdigit():
        try:
            node = selectors.comment_thread(post=post, root_id=int(thread_id), person=request.user)
        except Comment.DoesNotExist:
            raise Http404("There is no such comment on this post.")
        comments = selectors.CommentPage(nodes=[node], shown=1, total_top_level=1, next_page=None)
        part = f"thread{thread_id}"
    else:
        number = _page_number(request, "comments")
        # Read only if the page's kept comments are missing.
        comments = SimpleLazyObject(
            lambda: selectors.comment_tree_page(post=post, page=number, person=request.user)
        )
        part = f"pages{number}"
    organisations = organisations_person_can_speak_for(person=request.user)
    replying_to = None
    sent_form = comment_form or guest_form
    reply_to = request.GET.get("reply_to") or (sent_form.data.get("parent") if sent_form else None)
    if reply_to and str(reply_to).isdigit():
        replying_to = Comment.objects.select_related("author").filter(pk=reply_to, post=post, state=State.PUBLISHED).first()
    return render(request, "conversation/post.html", {
        "replying_to": replying_to,
        "post": post,
        "comments": comments,
        "comments_key": _comments_key(request, post, part),
        "comment_form": comment_form or CommentForm(organisations=organisations),
        # Someone signed out, where the council takes comments from guests ("Fill in your details").
        "guests_welcome": request.user.has_perm("guests.comment", post),
        "guest_form": guest_form or GuestCommentForm(),
        "speaking_for": organisations,
        "see_also": selectors.see_also(post=post, reader=_reader(request)),
        "single_thread": thread_id.isdigit(),
        "follow_target": ("post", post.pk),
        "moderating": request.personal.summary.moderating,
    }, status=status)


@conversation_shown(_conversation_of(Post, "pk", "post_id", "p"))
@shared_page(unless=lambda summary: summary.held_comments > 0)
@require_GET
def post_page(request, council_slug, post_id):
    post = access_post(post_id, request.user)
    if post.state != State.PUBLISHED:
        # Shown to its author and the moderators only: not a page to keep for others like them.
        page_not_kept(request)
    if request.htmx and request.GET.get("comments"):
        number = _page_number(request, "comments")
        comments = SimpleLazyObject(
            lambda: selectors.comment_tree_page(post=post, page=number, cumulative=False, person=request.user)
        )
        return render(request, "conversation/_comment_page.html", {
            "post": post, "comments": comments, "comments_key": _comments_key(request, post, f"page{number}"),
        })
    return _post_page(request, post)


def post_new(request, council_slug):
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.get_full_path()}")
    page_organisation = None
    if slug := request.GET.get("organisation"):
        page_organisation = get_object_or_404(Organisation, slug=slug)
    initial = {}
    if slug := request.GET.get("neighbourhood"):
        initial["neighbourhood"] = get_object_or_404(Neighbourhood, slug=slug)
    if slug := request.GET.get("ask"):
        initial["addressed_to"] = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.COUNCIL_SERVICE)
        initial["kind"] = Post.Kind.QUESTION
    organisations = organisations_person_can_speak_for(person=request.user)
    form = PostForm(
        request.POST or None, initial=initial, neighbourhoods=Neighbourhood.objects.all(),
        services=council_services(), organisations=organisations, page_organisation=page_organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_take(person=request.user, action="post")
            post = services.post_create(
                author=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                neighbourhood=form.cleaned_data["neighbourhood"],
                organisation=page_organisation,
                acting_for=form.organisation_spoken_for(),
                addressed_to=form.cleaned_data["addressed_to"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, refusal_message(error))
        else:
            if post.state == State.HELD:
                messages.success(request, HELD_MESSAGE.format(what="post"))
            else:
                messages.success(request, "Your post is up.")
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return render(request, "conversation/post_new.html", {
        "form": form, "page_organisation": page_organisation,
    }, status=status)


@login_required
@require_POST
def comment_create(request, council_slug, post_id):
    post = access_post(post_id, request.user)
    organisations = organisations_person_can_speak_for(person=request.user)
    form = CommentForm(request.POST, organisations=organisations)
    if post.comments_closed:
        form.add_error(None, "Comments are closed on this post, so your reply was not added.")
    elif form.is_valid():
        parent = None
        if parent_id := form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(pk=parent_id, post=post).first()
            if parent is None:
                raise Http404("There is no such comment on this post.")
        try:
            rate_limit_take(person=request.user, action="comment")
            comment = services.comment_create(
                author=request.user, post=post, body=form.cleaned_data["body"], parent=parent,
                acting_for=form.organisation_spoken_for(),
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, refusal_message(error))
        else:
            if comment.state == State.HELD and not request.htmx:
                messages.success(request, HELD_MESSAGE.format(what="reply"))
            if request.htmx:
                comment = Comment.objects.select_related("author", "acting_for").get(pk=comment.pk)
                response = render(request, "conversation/_comment.html", {
                    "node": selectors.CommentNode(comment), "post": post,
                })
                if parent is not None:
                    response["HX-Retarget"] = f"#replies-{parent.pk}"
                return response
            page = selectors.comment_page_number(comment=comment, person=request.user)
            shown_at = f"?comments={page}" if page > 1 else ""
            return redirect(f"{post.get_absolute_url()}{shown_at}#comment-{comment.pk}")
    if request.htmx:
        response = render(request, "conversation/_comment_form_errors.html", {"form": form}, status=422)
        response["HX-Retarget"] = "#reply-errors"
        response["HX-Reswap"] = "innerHTML"
        return response
    return _post_page(request, post, comment_form=form, status=400)


@login_required
@require_POST
def reaction_toggle(request, council_slug, post_id):
    post = access_post(post_id, request.user)
    kind = request.POST.get("kind")
    if kind not in Reaction.Kind.values:
        return HttpResponseBadRequest("Choose “like” or “thanks”.")
    comment = None
    if comment_id := request.POST.get("comment"):
        comment = Comment.objects.filter(pk=comment_id, post=post).first()
        if comment is None:
            raise Http404("There is no such comment on this post.")
    try:
        rate_limit_take(person=request.user, action="reaction")
        services.reaction_toggle(person=request.user, post=post, comment=comment, kind=kind)
    except PermissionDenied as error:
        if request.htmx:
            return HttpResponse(str(error), status=429 if isinstance(error, RateLimited) else 403)
        messages.error(request, refusal_message(error))
        return redirect(f"{post.get_absolute_url()}{f'#comment-{comment.pk}' if comment else ''}")
    target = comment or post
    target.refresh_from_db(fields=["like_count", "thanks_count"])
    if request.htmx:
        return render(request, "conversation/_reactions.html", {"post": post, "target": target, "comment": comment})
    anchor = f"#comment-{comment.pk}" if comment else ""
    return redirect(f"{post.get_absolute_url()}{anchor}")


@login_required
@require_POST
def post_comments_closed(request, council_slug, post_id):
    post = access_post(post_id, request.user)
    closed = request.POST.get("closed") == "1"
    services.post_set_comments_closed(person=request.user, post=post, closed=closed)
    messages.success(request, "Comments are closed." if closed else "Comments are open again.")
    return redirect(post)


@login_required
@require_POST
def post_link_add(request, council_slug, post_id):
    post = access_post(post_id, request.user)
    wanted = request.POST.get("other", "").strip().rstrip("/").rsplit("/", 1)[-1]
    other = None
    if wanted.isdigit():
        try:
            other = selectors.post_get(post_id=int(wanted), person=request.user)
        except Post.DoesNotExist:
            pass
    if other is None:
        messages.error(request, "No post in this council has that address or number, so nothing was linked.")
        return redirect(f"{post.get_absolute_url()}#see-also")
    try:
        services.post_link_add(person=request.user, from_post=post, to_post=other)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"“{other.title}” is now linked under “See also”.")
    return redirect(f"{post.get_absolute_url()}#see-also")


FOLLOW_TARGETS = {
    "neighbourhood": lambda pk, person: get_object_or_404(Neighbourhood, pk=pk),
    "organisation": lambda pk, person: get_object_or_404(Organisation, pk=pk),
    "post": lambda pk, person: access_post(pk, person),
    "person": lambda pk, person: get_object_or_404(Person, pk=pk),
}


@login_required
@require_POST
def follow_toggle(request, council_slug):
    target_type = request.POST.get("type")
    if target_type not in FOLLOW_TARGETS or not request.POST.get("id", "").isdigit():
        return HttpResponseBadRequest("Say what to follow.")
    target = FOLLOW_TARGETS[target_type](int(request.POST["id"]), request.user)
    try:
        now_following = services.follow_toggle(person=request.user, target=target)
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0])
    if request.htmx:
        return render(request, "conversation/_follow.html", {
            "follow_target": (target_type, target.pk),
        })
    messages.success(request, "You are following this now." if now_following else "You are no longer following this.")
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith(f"/{council_slug}/") else f"/{council_slug}/")


@require_GET
def person_page(request, council_slug, username):
    person = get_object_or_404(Person, username=username, is_active=True)
    if not profile_shown_to(person=person, viewer=request.user):
        raise Http404("There is no such person here.")
    number = _page_number(request)
    reader = _reader(request)
    page = _lazy_feed(author=person, page=number, reader=reader)
    return render(request, "conversation/person.html", {
        "person": person,
        "page": page,
        "list_key": f"p{person.pk}:{number}:{reader.cache_key}",
        "residencies": person.residencies.filter(council=request.council).select_related("neighbourhood"),
        "memberships": selectors.memberships_shown(person=person, reader=reader),
        "follow_target": ("person", person.pk),
        "moderating": request.user != person and request.user.has_perm("moderation.moderate"),
    })


@login_required
@require_GET
def following_page(request, council_slug):
    following = selectors.following_for(
        person=request.user, page=_page_number(request), reader=_reader(request),
    )
    return render(request, "conversation/following.html", {
        "following": following,
        "page": following.latest,
    })
