"""Admin pages for council-owned models, limited to the councils a person administers."""

from django.contrib import admin

from villagehall.core.audit import audit_record
from villagehall.core.page_cache import council_content_changed
from villagehall.core.tenancy import CouncilOwned


def administered_council_ids(user):
    """Return the ids of councils this user administers, or None for every council (site administrators)."""
    if user.is_superuser:
        return None
    from villagehall.people.models import CouncilRole

    return list(
        CouncilRole.dangerously_unscoped.filter(person=user, role=CouncilRole.Role.ADMINISTRATOR)
        .values_list("council_id", flat=True)
    )


def _limit_to_councils(queryset, user, field="council_id"):
    council_ids = administered_council_ids(user)
    return queryset if council_ids is None else queryset.filter(**{f"{field}__in": council_ids})


class CouncilOwnedAdmin(admin.ModelAdmin):
    """Rows, and the choices in their forms, only from the councils the user administers."""

    list_filter = ["council"]

    def get_queryset(self, request):
        return _limit_to_councils(self.model.dangerously_unscoped.all(), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if db_field.name == "council":
            kwargs["queryset"] = _limit_to_councils(related.objects.all(), request.user, field="pk")
        elif issubclass(related, CouncilOwned):
            kwargs["queryset"] = _limit_to_councils(related.dangerously_unscoped.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The admin saves inside a transaction, so each change and its audit entry go together.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user, action="admin.change" if change else "admin.add", target=obj,
            council=obj.council, after={"changed": list(form.changed_data)},
        )
        council_content_changed(council=obj.council)

    def delete_model(self, request, obj):
        council = obj.council
        audit_record(actor=request.user, action="admin.delete", target=obj, council=council)
        super().delete_model(request, obj)
        council_content_changed(council=council)

    def delete_queryset(self, request, queryset):
        councils = set()
        for obj in queryset:
            audit_record(actor=request.user, action="admin.delete", target=obj, council=obj.council)
            councils.add(obj.council)
        super().delete_queryset(request, queryset)
        for council in councils:
            council_content_changed(council=council)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff
