"""Pure rules of the self-check app (no Django imports).

Modules: ``questions`` (the 25 self-assessment topics in Sonae's own wording, grouped in IPA's three parts),
``scoring`` (4/2/0/−1 points, total, band, per-part scores, advice), ``trend`` (geometry of the history chart),
``vendor_checklist`` (the MHLW vendor checklist structure, はい/いいえ with target dates), ``data_items`` (the
duties engine's item vocabulary), ``exposure`` (JNSA JO model and response-cost reference values), ``plans``
(plan limits from programme terms), ``bcp`` (the cyber-BCP steps, prefilled contacts, deadlines in plain words),
``symptoms`` (the flyer's eight "call us now" symptoms). Facts: ``domain/insurance-and-sector.md`` §3–§5.
"""
