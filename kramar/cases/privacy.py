"""The service cases' part of a person's privacy request: exported; open cases wait; closed
ones kept without the person's name, e-mail or phone in their texts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kramar.cases.enums import CaseStatus
from kramar.cases.models import CaseEvent, ServiceCase
from kramar.clients.models import Client
from kramar.clients.services import Erasure

CLOSED = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


def export(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "number": case.number,
            "kind": case.kind,
            "subject": case.subject,
            "description": case.description,
            "status": case.status,
            "opened_at": case.created_at.isoformat(),
            "resolution": case.resolution,
        }
        for case in ServiceCase.objects.filter(client=client).order_by("created_at")
    ]


def refuse(client: Client) -> str | None:
    still_open = ServiceCase.objects.filter(client=client).exclude(status__in=CLOSED).count()
    if still_open:
        return _("%(count)d service case(s) still open") % {"count": still_open}
    return None


def erase(erasure: Erasure) -> int:
    cases = list(ServiceCase.objects.filter(client=erasure.client))
    events = list(CaseEvent.objects.filter(case__in=cases).exclude(note=""))
    erasure.scrub_records(events, ("note",))
    return erasure.scrub_records(cases, ("subject", "description", "resolution"))
