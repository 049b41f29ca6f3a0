"""The service cases' part of a person's privacy request: exported; open cases wait; closed
ones kept without the person's name, e-mail or phone in their texts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kramar.audit.services import audit_redact
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
    changed = 0
    for case in cases:
        texts = ("subject", "description", "resolution")
        edited = [f for f in texts if erasure.scrub(getattr(case, f)) != getattr(case, f)]
        for name in edited:
            setattr(case, name, erasure.scrub(getattr(case, name)))
        if edited:
            case.save(update_fields=[*edited, "updated_at"])
            changed += 1
    for event in CaseEvent.objects.filter(case__in=cases).exclude(note=""):
        note = erasure.scrub(event.note)
        if note != event.note:
            CaseEvent.objects.filter(pk=event.pk).update(note=note)
    audit_redact(
        model="cases.servicecase", object_ids=[str(c.pk) for c in cases], scrub=erasure.scrub
    )
    return changed
