import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonae.settings")
application = get_wsgi_application()

from sonae.api.lane import with_token_lane  # noqa: E402  (after Django's set-up)

# The API's hot routes, for token clients, through a short middleware chain (sonae.api.lane).
application = with_token_lane(application)

# The project's modules, settings and URL patterns live as long as the server process: move them out of the
# cyclic garbage collector's reach, so that its full collections, which run every few thousand requests,
# only walk what requests allocate.
gc.freeze()
