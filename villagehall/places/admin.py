from django.contrib import admin

from villagehall.core.admin import CouncilOwnedAdmin
from villagehall.places.models import Council, Neighbourhood


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(CouncilOwnedAdmin):
    list_display = ["name", "council", "population", "deprivation_decile"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
