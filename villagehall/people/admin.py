from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from villagehall.core.admin import CouncilOwnedAdmin
from villagehall.core.page_cache import council_content_changed
from villagehall.people import services
from villagehall.people.models import (
    CouncilEmailDomain,
    CouncilRole,
    Membership,
    Organisation,
    Person,
    Residency,
)

ADMIN_REASON = "Done in the admin pages."


def admin_login(request, extra_context=None):
    """Send sign-in for the admin pages through the site's own sign-in, with its rate limits and second factor."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        raise PermissionDenied("The admin pages are for council and site administrators.")
    return redirect_to_login(next_url, login_url=reverse("account_login"))


# Django's own admin sign-in form would skip allauth, its rate limits and the second factor.
admin.site.login = admin_login


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["display_name", "email", "is_staff", "is_active"]
    search_fields = ["display_name", "email", "username"]
    ordering = ["display_name"]
    fieldsets = UserAdmin.fieldsets + (("Profile", {"fields": ["display_name", "bio"]}),)
    add_fieldsets = ((None, {"fields": ["email", "display_name", "password1", "password2"]}),)


def _reason_field(label="Why"):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the record of grants, with your name and the time.",
    )


class MembershipForm(forms.ModelForm):
    reason = _reason_field()

    class Meta:
        model = Membership
        fields = ["council", "organisation", "person", "role", "title"]


def _membership_save(request, membership, change, reason):
    """Save a membership from the admin: a council service's member comes only from an officer badge grant."""
    organisation = membership.organisation
    if change or not organisation.is_service:
        membership.save()
        return
    granted = services.officer_badge_grant(
        by=request.user, person=membership.person, organisation=organisation,
        reason=reason or ADMIN_REASON, title=membership.title,
    )
    if membership.role != granted.role:
        granted.role = membership.role
        granted.save(update_fields=["role"])
    membership.pk = granted.pk


def _membership_delete(request, membership, reason=ADMIN_REASON):
    if membership.organisation.is_service:
        services.officer_badge_remove(by=request.user, membership=membership, reason=reason)
    else:
        membership.delete()


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.initial_forms:
            if "person" in form.changed_data and self.instance.is_service:
                # Moving a badge from one person to another would skip both the grant and the removal.
                form.add_error("person", "Remove this officer and add the new one instead.")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 1
    raw_id_fields = ["person"]
    exclude = ["council"]

    def get_queryset(self, request):
        return Membership.dangerously_unscoped.all()


class OrganisationForm(forms.ModelForm):
    verified_mark = forms.BooleanField(
        label="Verified", required=False,
        help_text="Shows a “verified” mark: a council administrator has checked the organisation is who it says.",
    )
    verification_reason = _reason_field("Why it is, or is no longer, verified")

    class Meta:
        model = Organisation
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verified_mark"].initial = self.instance.verified

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verified_mark") != self.instance.verified and not (cleaned.get("verification_reason") or "").strip():
            self.add_error("verification_reason", "Say why, so the record explains itself later.")
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(CouncilOwnedAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "council", "neighbourhood", "verified"]
    list_filter = ["council", "kind", "verified"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    readonly_fields = ["verified_by", "verified_at"]
    inlines = [MembershipInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        wanted, reason = form.cleaned_data.get("verified_mark"), form.cleaned_data.get("verification_reason")
        if wanted and not obj.verified:
            services.organisation_verify(by=request.user, organisation=obj, reason=reason)
        elif not wanted and obj.verified:
            services.organisation_unverify(by=request.user, organisation=obj, reason=reason)

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        for membership in formset.save(commit=False):
            membership.council_id = form.instance.council_id
            _membership_save(request, membership, change=membership.pk is not None, reason="")
        for removed in formset.deleted_objects:
            _membership_delete(request, removed)


@admin.register(Membership)
class MembershipAdmin(CouncilOwnedAdmin):
    form = MembershipForm
    list_display = ["person", "organisation", "role", "title"]
    raw_id_fields = ["person"]
    search_fields = ["person__display_name", "organisation__name"]

    def get_readonly_fields(self, request, obj=None):
        # Changing who holds a membership, or of what, would move a badge without a grant.
        return ["council", "organisation", "person", "badge_address"] if obj is not None else []

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        _membership_save(request, obj, change, form.cleaned_data.get("reason", ""))
        council_content_changed(council=obj.council)

    def delete_model(self, request, obj):
        _membership_delete(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("organisation__council"):
            _membership_delete(request, membership)


class CouncilRoleForm(forms.ModelForm):
    reason = _reason_field()

    class Meta:
        model = CouncilRole
        fields = ["council", "person", "role"]


@admin.register(CouncilRole)
class CouncilRoleAdmin(CouncilOwnedAdmin):
    form = CouncilRoleForm
    list_display = ["person", "role", "council"]
    raw_id_fields = ["person"]

    def get_readonly_fields(self, request, obj=None):
        return ["council", "person", "role"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        granted = services.council_role_grant(
            by=request.user, person=obj.person, council=obj.council, role=obj.role,
            reason=form.cleaned_data.get("reason") or ADMIN_REASON,
        )
        obj.pk = granted.pk

    def has_delete_permission(self, request, obj=None):
        # Another administrator removes yours, so a council is never left with nobody to set it up.
        if obj is not None and obj.person_id == request.user.pk and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.council_role_remove(by=request.user, council_role=obj, reason=ADMIN_REASON)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.exclude(person=request.user)
        for council_role in queryset.select_related("council", "person"):
            self.delete_model(request, council_role)


class CouncilEmailDomainForm(forms.ModelForm):
    reason = _reason_field()

    class Meta:
        model = CouncilEmailDomain
        fields = ["council", "domain", "organisation", "title"]

    def clean_domain(self):
        return services.validate_email_domain(self.cleaned_data["domain"])

    def clean(self):
        cleaned = super().clean()
        organisation, council = cleaned.get("organisation"), cleaned.get("council")
        if organisation and council and organisation.council_id != council.pk:
            self.add_error("organisation", "Choose a service of this council.")
        return cleaned


@admin.register(CouncilEmailDomain)
class CouncilEmailDomainAdmin(CouncilOwnedAdmin):
    form = CouncilEmailDomainForm
    list_display = ["domain", "organisation", "title", "council", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["council", "domain", "organisation", "added_by", "added_at"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["title"])
            return
        rule = services.council_email_domain_add(
            by=request.user, organisation=obj.organisation, domain=obj.domain, title=obj.title,
            reason=form.cleaned_data.get("reason") or ADMIN_REASON,
        )
        obj.pk = rule.pk

    def delete_model(self, request, obj):
        services.council_email_domain_remove(by=request.user, rule=obj, reason=ADMIN_REASON)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for rule in queryset.select_related("council", "organisation"):
            self.delete_model(request, rule)


@admin.register(Residency)
class ResidencyAdmin(CouncilOwnedAdmin):
    list_display = ["person", "neighbourhood"]
    raw_id_fields = ["person"]
