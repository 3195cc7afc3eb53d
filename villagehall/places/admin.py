from django.contrib import admin

from villagehall.core.admin import CouncilOwnedAdmin
from villagehall.core.audit import audit_record
from villagehall.core.page_cache import council_content_changed
from villagehall.places.models import Council, Neighbourhood


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "guest_comments"]
    prepopulated_fields = {"slug": ["name"]}

    # The admin saves inside a transaction, so a change and its audit entry go together.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "guest_comments" in form.changed_data:
            audit_record(
                actor=request.user, action="council.guest_comments", target=obj, council=obj,
                reason="Done in the admin pages.",
                before={"guest_comments": not obj.guest_comments}, after={"guest_comments": obj.guest_comments},
            )
        if change:
            # The name, the welcome or who may comment shows on the council's cached pages.
            council_content_changed(council=obj)


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(CouncilOwnedAdmin):
    list_display = ["name", "council", "population", "deprivation_decile"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
