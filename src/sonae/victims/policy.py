"""Actions of the victims part (organisation kinds and minimum role). Object-level scoping is in selectors.

DESIGN §1: the provider works its own list; the desk sees personal data only when the provider has granted it
on that case; agency and insurer see aggregates only (counts, item statistics, gift totals); hospitals and the
foundation see nothing of a case's list.
"""

from django.db.models import Q

from sonae.core.models import OrganisationKind, Role
from sonae.core.policy import register
from sonae.core.selectors import register_audit_scope

register("victims.stats", {"provider", "desk", "agency", "insurer"})
register("victims.import", {"provider"}, Role.STAFF)
register("victims.letters", {"provider"}, Role.STAFF)
register("victims.gifts", {"provider"}, Role.STAFF)
register("victims.settings", {"provider"}, Role.STAFF)
register("victims.grant", {"provider"}, Role.ADMIN)
register("victims.lookup", {"provider", "desk"}, Role.STAFF)
register("victims.inquiry", {"provider", "desk"}, Role.STAFF)


def _personal_data_of_own_cases(membership) -> Q | None:
    """A provider's audit log shows every access to the personal data of its cases' lists, by anyone (a desk it
    granted access looks people up under the desk's name). One subquery on the provider's incidents: no list of
    references read into Python, however many cases it has."""
    if membership.organisation.kind != OrganisationKind.PROVIDER:
        return None
    from django.db.models import Subquery
    from django.db.models.fields.json import KT
    from django.db.models.lookups import In

    from sonae.incidents.models import Incident

    own = Incident.objects.filter(provider=membership.organisation).values("reference")
    return Q(action__startswith="personal_data.") & Q(In(KT("data__incident"), Subquery(own)))


register_audit_scope(_personal_data_of_own_cases)
