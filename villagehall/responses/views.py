"""Pages for official responses: thin views that parse input, call one service or selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from villagehall.conversation.views import access_post
from villagehall.people.rules import email_confirmation_check
from villagehall.projects.views import _sign_in_first, error_message
from villagehall.responses import selectors, services
from villagehall.responses.forms import ResponseForm


def response_new(request, council_slug, post_id):
    # Opened as the reader would open the post: a members-only space's post is for its
    # members, and "not found" to anyone else, as a missing post is.
    post = access_post(post_id, request.user)
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    if not request.user.has_perm("responses.respond"):
        email_confirmation_check(request.user, to="give an official response")
        raise PermissionDenied("Only officers of a council service can give an official response.")
    officer_of = selectors.services_person_responds_for(person=request.user)
    existing = selectors.responses_for_post(post=post)
    initial = {}
    default = next((s for s in officer_of if s.pk == post.addressed_to_id), officer_of[0])
    initial["organisation"] = str(default.pk)
    current = next((r for r in existing if r.organisation_id == default.pk), None)
    if current is not None:
        initial["status"] = current.status
    form = ResponseForm(request.POST or None, initial=initial, services=officer_of)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_give(
                person=request.user, post=post, organisation=form.chosen_service(),
                status=form.cleaned_data["status"], body=form.cleaned_data["body"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, "The official response is up. People following the post are told.")
            return redirect(f"{post.get_absolute_url()}#official-responses")
    return render(request, "responses/respond.html", {
        "post": post, "form": form, "existing": existing, "updating": current is not None,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def notices_page(request, council_slug):
    notices = selectors.notices_for(person=request.user)
    unseen = {n.pk for n in notices if n.seen_at is None}
    services.response_notices_mark_seen(person=request.user)
    response = render(request, "responses/notices.html", {"notices": notices, "unseen": unseen})
    response["Cache-Control"] = "private, no-store"
    return response
