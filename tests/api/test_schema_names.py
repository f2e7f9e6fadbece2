"""Schema class names are unique across the API: django-ninja names OpenAPI components after the class, so two
classes of one name (e.g. a ``TransitionIn`` in two apps) put one app's body in the other's documentation."""

from collections import defaultdict

from ninja import Schema


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_schema_class_name_is_used_once():
    import sonae.api.main  # noqa: F401 - registers every app's routers and schemas

    modules = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("sonae."):
            modules[cls.__name__].add(cls.__module__)
    assert len(modules) > 50
    assert {name: sorted(m) for name, m in modules.items() if len(m) > 1} == {}


def test_the_openapi_document_keeps_each_transition_body_apart(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "IncidentTransitionIn" in schemas and "ClaimTransitionIn" in schemas
