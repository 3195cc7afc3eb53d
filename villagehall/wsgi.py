"""WSGI entry point, served by `villagehall serve` (granian)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villagehall.settings")
application = get_wsgi_application()
