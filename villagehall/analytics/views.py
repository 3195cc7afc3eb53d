"""Relationship-health pages for council administrators and officers of the council's services.

Thin views: each reads the window from the address, asks the selectors for what it
shows (from the weekly rollups, never the interactions) and renders charts with their
tables, or one table as CSV when `?download=<table>` asks for it.
"""

from datetime import date
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from villagehall.analytics import charts, metrics, selectors
from villagehall.analytics.charts import Column, Table, as_number, as_share
from villagehall.people.models import Organisation, Person
from villagehall.places.models import Neighbourhood

WEEK_CHOICES = (4, 8, 12, 26, 52)
DEFAULT_WEEKS = 12

PAGES = [
    ("health", "Presence"),
    ("health_responsiveness", "Responsiveness"),
    ("health_reciprocity", "Reciprocity"),
    ("health_enabling", "Partnerships and enabling"),
    ("health_adoption", "Adoption"),
    ("health_inclusion", "Inclusion"),
]


def health_page(view):
    """Open the page to council administrators and service officers; others get sign-in or 404."""

    @wraps(view)
    def wrapped(request, council_slug, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.person_may_read_health(person=request.user):
            raise Http404("There is no such page here.")
        return view(request, window=_window(request), **kwargs)

    return require_GET(wrapped)


def _window(request) -> metrics.Window:
    council = request.council
    try:
        weeks = int(request.GET.get("weeks", DEFAULT_WEEKS))
    except ValueError:
        weeks = DEFAULT_WEEKS
    if weeks not in WEEK_CHOICES:
        weeks = DEFAULT_WEEKS
    try:
        until = date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        until = timezone.localdate(timezone=ZoneInfo(council.time_zone))
    return selectors.health_window_for_council(council=council, weeks=weeks, until=until)


def _respond(request, template, window, tables, **context):
    wanted = request.GET.get("download")
    if wanted:
        table = next((t for t in tables if t.name == wanted), None)
        if table is None:
            raise Http404("There is no such table here.")
        response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
        filename = f"{request.council.slug}-{table.name}-{window.weeks}-weeks-to-{window.last_day}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = f"weeks={window.weeks}&until={window.until.isoformat()}"
    return render(request, template, {
        "window": window, "week_choices": WEEK_CHOICES, "pages": PAGES, "query": query,
        "tables": {t.name: charts.table_html(t, query=query) for t in tables},
        "ready": selectors.rollups_ready_for_council(council=request.council),
        **context,
    })


@health_page
def presence_page(request, *, window):
    setting = selectors.council_setting_for_health(council=request.council, officers=False, projects=False)
    cells = selectors.presence_grid_for_council(window=window)
    places = setting.neighbourhoods
    grid = Table("presence", "Each service in each neighbourhood", [
        Column("service", "Service"), Column("neighbourhood", "Neighbourhood"),
        Column("pattern", "Pattern"), Column("presence", "Presence", as_share),
        Column("active_weeks", "Weeks present", as_number),
        Column("service_interactions", "Interactions", as_number),
    ])
    services = Table("services", "Neighbourhoods by pattern, service by service", [
        Column("service", "Service"), Column("communities_engaged", "Engaged in", as_number),
        Column("communities_docking", "Docking in", as_number),
    ])
    pairs_at = reverse("health", args=[request.council.slug])
    for service in setting.services:
        patterns = []
        for place in places:
            figures = cells.get((service.id, place.id)) or {
                "pattern": "absent", "presence": 0.0, "active_weeks": 0, "service_interactions": 0,
            }
            patterns.append(figures["pattern"])
            grid.rows.append([service.name, place.name, figures["pattern"], figures["presence"],
                              figures["active_weeks"], figures["service_interactions"]])
            grid.links.append(f"{pairs_at}{service.slug}/{place.slug}/")  # as health_pair, without a reverse() a cell
        services.rows.append([service.name, patterns.count("engaged"), patterns.count("docking")])
    return _respond(request, "analytics/presence.html", window, [grid, services],
                    chart=charts.grid_svg(charts.pattern_grid(setting.services, places, cells), id="grid",
                                          title="Each service’s pattern and presence in each neighbourhood"),
                    patterns=charts.PATTERN_ORDER,
                    pattern_definition=metrics.DEFINITIONS["pattern"])


@health_page
def pair_page(request, *, window, service_slug, neighbourhood_slug):
    service = get_object_or_404(Organisation, slug=service_slug, kind=Organisation.Kind.COUNCIL_SERVICE)
    neighbourhood = get_object_or_404(Neighbourhood, slug=neighbourhood_slug)
    weekly = selectors.weekly_presence_for_pair(service=service, neighbourhood=neighbourhood, window=window)
    table = Table("weeks", f"{service.name} in {neighbourhood.name}, week by week", [
        Column("week", "Week starting"), Column("service_interactions", "Interactions", as_number),
    ], rows=[[week, n] for week, n in weekly["weeks"]])
    pair = weekly["pair"]
    figures = [
        (label, metrics.DEFINITIONS[name], show(getattr(pair, name)))
        for name, label, show in [
            ("pattern", "Pattern", charts.as_text), ("presence", "Presence", as_share),
            ("active_weeks", "Weeks present", as_number),
            ("longest_absence_weeks", "Longest absence, in weeks", as_number),
            ("burstiness", "Burstiness", _signed), ("service_interactions", "Interactions", as_number),
            ("support_given", "Support given", as_number), ("enablement_share", "Share that was support", as_share),
        ]
    ]
    return _respond(request, "analytics/pair.html", window, [table], service=service, neighbourhood=neighbourhood,
                    figures=figures, chart=charts.columns_svg(charts.weekly_columns(weekly["weeks"]), id="weeks",
                                                              title="Interactions each week"))


def _when(at, zone):
    return at.astimezone(zone).strftime("%-d %b %Y, %H:%M")


def _signed(value):
    return charts.NO_DATA if value is None else f"{value:+.2f}"


@health_page
def responsiveness_page(request, *, window):
    setting = selectors.council_setting_for_health(council=request.council, officers=False, projects=False)
    everything = request.GET.get("download") == "unanswered"
    found = selectors.responsiveness_for_council(window=window, unanswered_limit=None if everything else 100)
    names = {s.id: s.name for s in setting.services}
    table = Table("responsiveness", "Posts addressed to each service, and its answers", [
        Column("service", "Service"), Column("addressed_threads", "Posts asking it", as_number),
        Column("answered_within_2d", "Answered within 2 days", as_share),
        Column("median_first_response_hours", "Median first reply (hours)", as_number),
        Column("unanswered", "Unanswered", as_number),
    ])
    bars = []
    for service in setting.services:
        figures = found["services"].get(service.id, {
            "addressed_threads": 0, "answered_within_2d": None, "median_first_response_hours": None, "unanswered": 0,
        })
        table.rows.append([service.name, *figures.values()])
        bars.append((service.name, figures["answered_within_2d"], as_share(figures["answered_within_2d"]), ""))
    unanswered = Table("unanswered", "Posts still waiting for the service’s first reply, oldest first", [
        Column("thread", "Post"), Column("service", "Asked"),
        Column("posted_at", "Posted", lambda at: _when(at, window.zone)),
    ], total=found["unanswered_total"])
    for row in found["unanswered"]:
        unanswered.rows.append([row["label"], names.get(row["service"], ""), row["posted_at"]])
        unanswered.links.append(
            reverse("post", args=[request.council.slug, row["post"]]) if row["post"] else None
        )
    return _respond(request, "analytics/responsiveness.html", window, [table, unanswered],
                    chart=charts.bars_svg(charts.horizontal_bars(bars, maximum=1), id="answered",
                                          title="Share of posts each service answered within 48 hours"))


@health_page
def reciprocity_page(request, *, window):
    setting = selectors.council_setting_for_health(council=request.council, officers=False, projects=False)
    found = selectors.reciprocity_for_council(window=window)
    table = Table("reciprocity", "Each service’s conversations across the council", [
        Column("service", "Service"), Column("threads_with_service", "Conversations", as_number),
        Column("reciprocity", "Back and forth", as_share),
        Column("community_started_share", "Started by the community", as_share),
    ])
    reciprocity, started = [], []
    for service in setting.services:
        figures = found.get(service.id, {"threads_with_service": 0, "reciprocity": None,
                                         "community_started_share": None})
        table.rows.append([service.name, figures["threads_with_service"], figures["reciprocity"],
                           figures["community_started_share"]])
        reciprocity.append((service.name, figures["reciprocity"], as_share(figures["reciprocity"]), ""))
        started.append((service.name, figures["community_started_share"],
                        as_share(figures["community_started_share"]), "community"))
    return _respond(request, "analytics/reciprocity.html", window, [table],
                    reciprocity_chart=charts.bars_svg(
                        charts.horizontal_bars(reciprocity, maximum=1), id="reciprocity",
                        title="Share of each service’s conversations that went back and forth"),
                    started_chart=charts.bars_svg(
                        charts.horizontal_bars(started, maximum=1), id="started",
                        title="Share of each service’s conversations started by residents or groups"))


@health_page
def enabling_page(request, *, window):
    setting = selectors.council_setting_for_health(council=request.council, officers=False)
    found = selectors.enabling_for_council(window=window, setting=setting)
    table = Table("enabling", "Each service’s partnerships and the support it gave", [
        Column("service", "Service"), Column("partnered_projects", "Projects partnered", as_number),
        Column("three_way_partnerships", "Three-way partnerships", as_number),
        Column("support_given", "Support given", as_number),
        Column("service_interactions", "All its interactions in neighbourhoods", as_number),
        Column("enablement_share", "Share that was support", as_share),
    ])
    projects, enabling = [], []
    for service in setting.services:
        f = found[service.id]
        table.rows.append([service.name, f["partnered_projects"], f["three_way_partnerships"], f["support_given"],
                           f["service_interactions"], f["enablement_share"]])
        projects.append((service.name, f["partnered_projects"],
                         f"{f['partnered_projects']} ({f['three_way_partnerships']} three-way)", ""))
        enabling.append((service.name, f["enablement_share"], as_share(f["enablement_share"]), "support"))
    return _respond(request, "analytics/enabling.html", window, [table],
                    projects_chart=charts.bars_svg(charts.horizontal_bars(projects), id="projects",
                                                   title="Community projects each service partners in the window"),
                    enabling_chart=charts.bars_svg(
                        charts.horizontal_bars(enabling, maximum=1), id="support",
                        title="Share of each service’s activity in neighbourhoods that was giving support"))


@health_page
def adoption_page(request, *, window):
    setting = selectors.council_setting_for_health(council=request.council, projects=False)
    found = selectors.adoption_over_time_for_council(window=window, setting=setting)
    champions = {
        pk: display_name or username
        for pk, display_name, username in Person.objects.filter(
            pk__in={c for f in found.values() for c in f["champions"]}
        ).values_list("pk", "display_name", "username")
    }
    table = Table("adoption", "Officers active for each service", [
        Column("service", "Service"), Column("officers", "Officers", as_number),
        Column("active_officers", "Active", as_number), Column("adoption", "Adoption", as_share),
        Column("champions", "Champions"),
    ])
    weekly = Table("adoption_weekly", "Officers active week by week", [
        Column("service", "Service"), Column("week", "Week starting"),
        Column("active_officers", "Active officers", as_number), Column("adoption", "Share of officers", as_share),
    ])
    services = []
    for service in setting.services:
        f = found[service.id]
        names = sorted(champions[c] for c in f["champions"])
        table.rows.append([service.name, f["officers"], f["active_officers"], f["adoption"], ", ".join(names)])
        weekly.rows.extend([service.name, week, n, share] for week, n, share in f["weekly"])
        services.append({
            "id": f"adoption-{service.slug}", "name": service.name, "champions": names,
            "adoption": as_share(f["adoption"]),
            "chart": charts.columns_svg(
                charts.weekly_columns([(week, n) for week, n, _ in f["weekly"]], maximum=max(1, f["officers"]), height=70),
                id=f"adoption-{service.slug}", title=f"Officers of {service.name} active each week"),
        })
    return _respond(request, "analytics/adoption.html", window, [table, weekly], services=services)


@health_page
def inclusion_page(request, *, window):
    setting = selectors.council_setting_for_health(council=request.council, officers=False, projects=False)
    found = selectors.inclusion_for_council(window=window)
    table = Table("inclusion", "Who takes part, neighbourhood by neighbourhood", [
        Column("neighbourhood", "Neighbourhood"), Column("deprivation_decile", "Deprivation decile", as_number),
        Column("participants", "Participants", as_number),
        Column("participants_per_1000", "Per 1,000 residents", as_number),
        Column("offline_share", "Offline", as_share), Column("assisted_share", "Assisted", as_share),
    ])
    points, offline = [], []
    for place in setting.neighbourhoods:
        row = found.get(place.id, {"participants": 0, "interactions": 0, "offline": 0, "assisted": 0})
        per_1000 = metrics.per_1000(row["participants"], place.population)
        offline_share = metrics.share(row["offline"], row["interactions"])
        assisted_share = metrics.share(row["assisted"], row["interactions"])
        table.rows.append([place.name, place.deprivation_decile, row["participants"], per_1000, offline_share,
                           assisted_share])
        points.append((place.name, place.deprivation_decile, per_1000))
        offline.append((place.name, offline_share, f"{as_share(offline_share)} ({as_share(assisted_share)} assisted)",
                        "offline"))
    return _respond(request, "analytics/inclusion.html", window, [table],
                    scatter=charts.scatter_svg(charts.decile_scatter(points), id="reach",
                                               title="Participants per 1,000 residents by deprivation decile"),
                    offline_chart=charts.bars_svg(
                        charts.horizontal_bars(offline, maximum=1), id="offline",
                        title="Share of residents’ activity that was offline, with the assisted share"))
