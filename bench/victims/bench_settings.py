"""Settings of the look-up benchmark's server: the project's settings, plus a trivial JSON view to compare with
(``bench_urls``) and a per-user look-up limit high enough for one token driving all the load."""

from sonae.settings import *  # noqa: F403

ROOT_URLCONF = "victims.bench_urls"
# One API token drives the load of 16 operators: its per-token and per-user counters are still kept (and cost
# what they cost), only their ceilings are raised.
SONAE_RATE_LIMITS = {**SONAE_RATE_LIMITS, "api_token": (10**9, 60), "lookup": (10**9, 60)}  # noqa: F405
