"""Claim calculation (claims-contract.md v1), split by concern; import from ``sonae.claims.coverage``."""
