"""Webhooks: per-organisation HTTPS endpoints that receive signed JSON events (issue 9 point 2).

Other apps call ``sonae.webhooks.emitters`` (or ``services.emit``) inside their transactions; a Delivery row is
stored per subscribed endpoint and a background task posts it after commit, retrying with back-off.
"""
