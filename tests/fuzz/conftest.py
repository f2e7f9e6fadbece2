"""The fuzz tests reuse the victims and enrolment fixtures (an organisation of each kind, a case, actors)."""

from tests.enrolment.conftest import agency, agency_actor, foundation_actor, foundation_org  # noqa: F401
from tests.victims.conftest import imported, incident, world, write_list  # noqa: F401
