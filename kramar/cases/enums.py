from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    QUESTION = "question", _("Question")
    WARRANTY = "warranty", _("Warranty repair")
    RETURN = "return", _("Return")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CLIENT = "waiting_client", _("Waiting for the client")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class CasePriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ASSIGNED = "assigned", _("Assigned")
    STATUS_CHANGED = "status_changed", _("Status changed")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# How long the service has to resolve a case of each priority, from its opening (calendar time).
SLA_BY_PRIORITY = {
    CasePriority.URGENT: timedelta(hours=4),
    CasePriority.HIGH: timedelta(days=1),
    CasePriority.NORMAL: timedelta(days=3),
    CasePriority.LOW: timedelta(days=7),
}

# The statuses in which the service still owes the client an answer; only these can be overdue.
OPEN_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.WAITING_CLIENT})

# Where a case may go from each status. Resolving needs a resolution (case_resolve); closed is
# final; a resolved case may be reopened when the client comes back with the same trouble.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset(
        {CaseStatus.IN_PROGRESS, CaseStatus.WAITING_CLIENT, CaseStatus.RESOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.IN_PROGRESS: frozenset(
        {CaseStatus.WAITING_CLIENT, CaseStatus.RESOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.WAITING_CLIENT: frozenset(
        {CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.RESOLVED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


class CasesErrorCode(models.TextChoices):
    SUBJECT_REQUIRED = "cases.subject_required"
    OWNER_NOT_SERVICE = "cases.owner_not_service_staff"
    SAME_OWNER = "cases.same_owner"
    SAME_STATUS = "cases.same_status"
    TRANSITION_NOT_ALLOWED = "cases.transition_not_allowed"
    CASE_CLOSED = "cases.case_closed"
    USE_RESOLVE = "cases.use_resolve"
    RESOLUTION_REQUIRED = "cases.resolution_required"
    CLOSE_NEEDS_NOTE = "cases.close_needs_note"
