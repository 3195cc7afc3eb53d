"""Pages for guest comments: the “Fill in your details” form on a post, and the emailed link that publishes it."""

import hashlib

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from villagehall.conversation import selectors as conversation_selectors
from villagehall.conversation.models import Comment, State
from villagehall.conversation.views import access_post, post_page_render
from villagehall.core.text import render_markdown
from villagehall.guests import services
from villagehall.guests.forms import GuestCommentForm
from villagehall.guests.selectors import normalise_email
from villagehall.moderation.rate_limits import rate_limit_take

SENT_MESSAGE = (
    "Thank you. We have emailed a link to {email}. Your comment appears once you open it, "
    "within {hours} hours. If nothing arrives, look in your spam folder."
)


def _message(error) -> str:
    return error.messages[0] if isinstance(error, ValidationError) else str(error)


def _rate_limit_keys(request, email) -> None:
    """Count one more guest comment from this network address and to this email address; raise RateLimited over either."""
    ip = get_adapter().get_client_ip(request)
    rate_limit_take(action="guest_comment_ip", key=hashlib.sha256(ip.encode()).hexdigest()[:32])
    # Addresses are personal data: the cache holds only a hash of each.
    rate_limit_take(action="guest_comment_email", key=hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32])


@require_POST
def guest_comment_create(request, council_slug, post_id):
    post = access_post(post_id, request.user)
    form = GuestCommentForm(request.POST)
    replying_to = None
    if form.is_valid():
        if parent_id := form.cleaned_data.get("parent"):
            replying_to = Comment.objects.select_related("author").filter(pk=parent_id, post=post).first()
            if replying_to is None:
                raise Http404("There is no such comment on this post.")
        try:
            _rate_limit_keys(request, form.cleaned_data["email"])
            pending = services.guest_comment_submit(
                requester=request.user, post=post, name=form.cleaned_data["name"], email=form.cleaned_data["email"],
                body=form.cleaned_data["body"], parent=replying_to, base_url=request.build_absolute_uri("/"),
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            text = SENT_MESSAGE.format(email=pending.email, hours=settings.GUEST_COMMENT_HOURS)
            if request.htmx:
                return render(request, "guests/_sent.html", {"text": text})
            messages.success(request, text)
            return redirect(f"{post.get_absolute_url()}#reply-form")
    if request.htmx:
        return render(request, "guests/_form.html", {
            "post": post, "guest_form": form, "replying_to": replying_to or _parent_shown(post, form),
        }, status=422)
    return post_page_render(request, post, guest_form=form, status=400)


def _parent_shown(post, form):
    parent = form.data.get("parent")
    if parent and str(parent).isdigit():
        return Comment.objects.select_related("author").filter(pk=parent, post=post, state=State.PUBLISHED).first()
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def guest_comment_confirm(request, council_slug, signed):
    """Show the comment the link is for with a button that publishes it, so a mail scanner opening links cannot."""
    try:
        pending = services.guest_comment_check(signed=signed)
    except services.GuestLinkUsed as used:
        return _used(request, used.comment)
    except services.GuestLinkUnusable as error:
        return _unusable(request, error)
    if request.method == "POST":
        try:
            comment = services.guest_comment_confirm(signed=signed)
        except services.GuestLinkUsed as used:
            return _used(request, used.comment)
        except services.GuestLinkUnusable as error:
            return _unusable(request, error)
        except (PermissionDenied, ValidationError) as error:
            return _confirm_page(request, pending, refusal=_message(error), status=403)
        if comment.state == State.HELD:
            messages.success(request, "Thank you. Your comment is waiting for a moderator to read it, and shows once they have.")
            return redirect(comment.post)
        messages.success(request, "Thank you. Your comment is up.")
        page = conversation_selectors.comment_page_number(comment=comment)
        return redirect(f"{comment.post.get_absolute_url()}{f'?comments={page}' if page > 1 else ''}#comment-{comment.pk}")
    return _confirm_page(request, pending)


def _confirm_page(request, pending, *, refusal=None, status=200):
    return render(request, "guests/confirm.html", {
        "pending": pending, "body_html": render_markdown(pending.body), "refusal": refusal,
    }, status=status)


def _used(request, comment):
    return render(request, "guests/used.html", {"comment": comment})


def _unusable(request, error):
    return render(request, "guests/unusable.html", {
        "reason": str(error), "hours": settings.GUEST_COMMENT_HOURS,
    }, status=410)
