"""The council administrator's page for whether the council takes comments from guests.

Kept apart from the guests' own pages so that it sits behind the second factor
(settings.SECOND_FACTOR_REQUIRED_VIEW_MODULES) like the other pages only staff see.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from villagehall.guests import services
from villagehall.guests.forms import GuestCommentsSettingForm


@never_cache
@login_required
def guest_comments_setting(request, council_slug):
    if not request.user.has_perm("guests.allow_for_council"):
        raise PermissionDenied("Only a council administrator can change who may comment.")
    council = request.council
    form = GuestCommentsSettingForm(
        request.POST or None, initial={"allowed": "guests" if council.guest_comments else "members"},
    )
    if request.method == "POST" and form.is_valid():
        services.council_guest_comments_set(
            person=request.user, allowed=form.cleaned_data["allowed"], reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            "Saved. Post pages now offer guests the “Fill in your details” form." if form.cleaned_data["allowed"]
            else "Saved. Only people who are signed in can reply now.",
        )
        return redirect("guest_comments_setting", council_slug=council_slug)
    return render(request, "guests/setting.html", {"form": form}, status=400 if request.method == "POST" else 200)
