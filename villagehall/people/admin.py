from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from villagehall.core.admin import CouncilOwnedAdmin
from villagehall.people.models import CouncilRole, Membership, Organisation, Person, Residency


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["display_name", "email", "is_staff", "is_active"]
    search_fields = ["display_name", "email", "username"]
    ordering = ["display_name"]
    fieldsets = UserAdmin.fieldsets + (("Profile", {"fields": ["display_name", "bio"]}),)
    add_fieldsets = ((None, {"fields": ["email", "display_name", "password1", "password2"]}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    raw_id_fields = ["person"]
    exclude = ["council"]

    def get_queryset(self, request):
        return Membership.dangerously_unscoped.all()


@admin.register(Organisation)
class OrganisationAdmin(CouncilOwnedAdmin):
    list_display = ["name", "kind", "council", "neighbourhood"]
    list_filter = ["council", "kind"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        for membership in formset.save(commit=False):
            membership.council_id = form.instance.council_id
            membership.save()
        for removed in formset.deleted_objects:
            removed.delete()


@admin.register(Membership)
class MembershipAdmin(CouncilOwnedAdmin):
    list_display = ["person", "organisation", "role", "title"]
    raw_id_fields = ["person"]
    search_fields = ["person__display_name", "organisation__name"]


@admin.register(CouncilRole)
class CouncilRoleAdmin(CouncilOwnedAdmin):
    list_display = ["person", "role", "council"]
    raw_id_fields = ["person"]


@admin.register(Residency)
class ResidencyAdmin(CouncilOwnedAdmin):
    list_display = ["person", "neighbourhood"]
    raw_id_fields = ["person"]
