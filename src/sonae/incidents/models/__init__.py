"""The incident desk's data: incidents and their reference counter, playbooks, tasks, the timeline, evidence,
vendors and their dispatches, and notices to entrusting hospitals."""

from .incident import (
    STATUS_TRANSITIONS,
    Channel,
    DataOwner,
    Incident,
    IncidentCounter,
    Status,
)
from .notices import HospitalNotice
from .playbooks import Phase, PlaybookStep, PlaybookTemplate, StepCondition, StepOwner
from .vendors import Vendor, VendorCategory, VendorDispatch
from .work import Evidence, Task, TaskStatus, TimelineEvent, TimelineKind

__all__ = [
    "STATUS_TRANSITIONS",
    "Channel",
    "DataOwner",
    "Evidence",
    "HospitalNotice",
    "Incident",
    "IncidentCounter",
    "Phase",
    "PlaybookStep",
    "PlaybookTemplate",
    "Status",
    "StepCondition",
    "StepOwner",
    "Task",
    "TaskStatus",
    "TimelineEvent",
    "TimelineKind",
    "Vendor",
    "VendorCategory",
    "VendorDispatch",
]
