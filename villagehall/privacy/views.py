from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from villagehall.privacy import selectors, services
from villagehall.privacy.forms import AccountDeleteForm


def _privacy_page(request, *, delete_form=None, status=200):
    services.data_exports_expire()
    return render(request, "privacy/privacy.html", {
        "exports": selectors.data_exports_for(person=request.user),
        "link_hours": selectors.data_export_link_hours(),
        "delete_form": delete_form or AccountDeleteForm(),
        "retired_name_days": settings.RETIRED_NAME_DAYS,
    }, status=status)


@never_cache
@login_required
def privacy_page(request):
    return _privacy_page(request)


@require_POST
@login_required
def export_request(request):
    try:
        services.data_export_request(person=request.user, base_url=request.build_absolute_uri("/"))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request, f"We are preparing a copy of your data. When it is ready we will email a link to "
                     f"{request.user.email}; it works once, for {selectors.data_export_link_hours()} hours.",
        )
    return redirect("privacy")


@never_cache
@login_required
def export_download(request, export_id, token):
    if request.method == "POST":
        try:
            content = services.data_export_download(person=request.user, export_id=export_id, token=token)
        except services.ExportUnavailable:
            return render(request, "privacy/export_gone.html", status=410)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="village-hall-data-{timezone.localdate():%Y-%m-%d}.json"'
        return response
    try:
        export = services.data_export_check(person=request.user, export_id=export_id, token=token)
    except services.ExportUnavailable:
        return render(request, "privacy/export_gone.html", status=410)
    return render(request, "privacy/export_download.html", {"export": export})


@require_POST
@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST)
    if form.is_valid():
        try:
            services.account_delete(person=request.user, confirm_email=form.cleaned_data["confirm_email"])
        except ValidationError as refusal:
            form.add_error("confirm_email", refusal)
        else:
            logout(request)
            messages.success(request, "Your account has been deleted. Thank you for taking part.")
            return redirect("/")
    return _privacy_page(request, delete_form=form, status=400)
