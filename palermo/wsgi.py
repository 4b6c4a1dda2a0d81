import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
application = get_wsgi_application()

# A server worker: full garbage collections off the request path (palermo/core/gc_freeze.py).
from palermo.core import gc_freeze  # noqa: E402

gc_freeze.install()
