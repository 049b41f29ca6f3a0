from __future__ import annotations

from typing import Any

from kramar.cases.enums import CaseKind, CasePriority
from kramar.cases.models import ServiceCase
from kramar.cases.services import case_open
from kramar.clients.tests.factories import ClientFactory


def open_case(*, actor: Any, client: Any = None, **fields: Any) -> ServiceCase:
    """Open a case through the service, as the application does."""
    return case_open(
        actor=actor,
        client=client if client is not None else ClientFactory(),
        kind=fields.pop("kind", CaseKind.COMPLAINT),
        subject=fields.pop("subject", "Пошкоджена упаковка"),
        priority=fields.pop("priority", CasePriority.NORMAL),
        **fields,
    )
