"""The notifications page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from villagehall.notifications import selectors, services


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@login_required
@require_GET
def notifications_page(request, council_slug):
    return render(request, "notifications/notifications.html", {
        "page": selectors.notifications_for(person=request.user, page=_page_number(request)),
    })


@login_required
@require_POST
def notifications_read(request, council_slug):
    marked = services.notifications_mark_read(person=request.user)
    messages.success(request, "All caught up." if marked else "There was nothing new.")
    return redirect("notifications", council_slug=council_slug)
