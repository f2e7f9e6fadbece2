"""Settings of the load test's server: the project's settings with the per-token and look-up ceilings raised
(one token drives the load of many operators; the counters are still kept and cost what they cost)."""

from sonae.settings import *  # noqa: F403

SONAE_RATE_LIMITS = {**SONAE_RATE_LIMITS, "api_token": (10**9, 60), "lookup": (10**9, 60)}  # noqa: F405
