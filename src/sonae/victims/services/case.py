"""Case-level settings of the victims part: the desk's access grant, the self-service page, and carrying the
list's figures over to the incident's facts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import DomainError
from sonae.victims.models import VictimCase

from .common import audit_actor, require_provider_of, victim_case_for


def desk_access_set(*, actor: Actor, incident, granted: bool) -> VictimCase:
    """The provider (an admin) grants or withdraws the desk's access to this case's personal data (DESIGN §1)."""
    require_provider_of(actor, incident, "victims.grant")
    with transaction.atomic():
        case = VictimCase.objects.select_for_update().get(pk=victim_case_for(incident).pk)
        if case.desk_access != granted:
            case.desk_access = granted
            case.desk_access_changed_at = timezone.now()
            case.desk_access_changed_by = actor.user
            case.save()
            audit_record(
                action="victims.desk_access_granted" if granted else "victims.desk_access_withdrawn",
                target=case,
                data={"incident": incident.reference},
                **audit_actor(actor, incident),
            )
    return case


def self_service_set(*, actor: Actor, incident, enabled: bool) -> VictimCase:
    """Open or close the public inquiry page of the case (closed by default)."""
    require_provider_of(actor, incident, "victims.settings")
    with transaction.atomic():
        case = VictimCase.objects.select_for_update().get(pk=victim_case_for(incident).pk)
        if case.self_service != enabled:
            case.self_service = enabled
            case.save(update_fields=["self_service", "updated_at"])
            audit_record(
                action="victims.self_service_opened" if enabled else "victims.self_service_closed",
                target=case,
                data={"incident": incident.reference},
                **audit_actor(actor, incident),
            )
    return case


@dataclass(frozen=True)
class FactsProposal:
    """What the incident's facts would become from the list (shown to the user before applying)."""

    persons_now: int | None
    persons_new: int
    items_now: list[str]
    items_new: list[str]

    @property
    def changes(self) -> bool:
        return self.persons_now != self.persons_new or self.items_now != self.items_new


def incident_facts_proposal(incident, case: VictimCase) -> FactsProposal:
    from sonae.victims.selectors import item_codes_of_list

    list_items = item_codes_of_list(case)
    merged = list(dict.fromkeys([*(incident.data_items or []), *list_items]))
    return FactsProposal(
        persons_now=incident.persons_estimate,
        persons_new=case.persons + case.corporations,
        items_now=list(incident.data_items or []),
        items_new=merged,
    )


class ProposalChanged(DomainError):
    code = "proposal_changed"
    status = 409
    default_message = (
        "確認した内容から対象者リストまたはインシデントの事実が変わりました。もう一度内容を確認してください。"
    )


def incident_update_from_list(
    *, actor: Actor, incident, confirmed: tuple[int, list[str]] | None = None
) -> FactsProposal:
    """After the user confirmed: set the incident's persons and data items from the list, through the incident
    desk's own service (``incident_update_facts``: timeline, severity, duties re-run, audit).

    ``confirmed`` is the (persons, items) the user saw and confirmed; when the proposal is no longer that (a list
    committed in between), nothing is changed (``ProposalChanged``, 409)."""
    from sonae.incidents.services import incident_update_facts

    require_provider_of(actor, incident, "victims.settings")
    case = victim_case_for(incident)
    proposal = incident_facts_proposal(incident, case)
    if confirmed is not None and (
        proposal.persons_new != confirmed[0] or set(proposal.items_new) != set(confirmed[1])
    ):
        raise ProposalChanged()
    if proposal.changes:
        incident_update_facts(
            actor=actor,
            incident=incident,
            persons_estimate=proposal.persons_new,
            data_items=proposal.items_new,
        )
    return proposal
