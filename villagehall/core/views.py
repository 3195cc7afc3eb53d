from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from villagehall.places.models import Council


@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the app is up and its database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(error.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@never_cache
@require_GET
def ping(request):
    """Answer "ok" without touching the database: a liveness probe, and the benchmarks' B1."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def council_list(request):
    return render(request, "core/council_list.html", {"councils": Council.objects.all()})
