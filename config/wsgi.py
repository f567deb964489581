import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Every view imported now rather than on the first request, then everything loaded so far moved
# out of the garbage collector's reach: a full collection over a web process's objects took about
# 90 ms, and landed inside some webhook's acknowledgement.
get_resolver().url_patterns
gc.freeze()
