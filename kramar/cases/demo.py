"""Demo service cases: a few per ten clients, in every status, some overdue against their SLA.

Written through the services with back-dated times, so the events, the SLA due times and the
client timelines are exactly what real use would leave (M14).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.accounts.models import User
from kramar.cases.enums import SLA_BY_PRIORITY, CaseKind, CasePriority, CaseStatus
from kramar.cases.models import ServiceCase
from kramar.cases.services import (
    case_assign,
    case_change_status,
    case_close,
    case_open,
    case_resolve,
)
from kramar.clients.models import Client

CASES_PER_TEN_CLIENTS = 3
MOST_CASES = {"small": 60, "medium": 2_000, "large": 20_000}
SUBJECTS = {
    CaseKind.COMPLAINT: [
        "Доставка запізнилася на тиждень",
        "Пошкоджена упаковка",
        "Неввічливий кур'єр",
    ],
    CaseKind.QUESTION: [
        "Як зібрати шафу?",
        "Чи є інструкція українською?",
        "Коли буде в наявності?",
    ],
    CaseKind.WARRANTY: ["Не вмикається ноутбук", "Шумить холодильник", "Тріснула ніжка стільця"],
    CaseKind.RETURN: ["Не підійшов розмір", "Повернення непотрібного товару", "Колір не той"],
}
RESOLUTIONS = [
    "Замінили товар",
    "Повернули кошти",
    "Надали консультацію телефоном",
    "Відремонтовано за гарантією",
]
FATES = {
    "new": 2,
    CaseStatus.IN_PROGRESS: 3,
    CaseStatus.WAITING_CLIENT: 1,
    CaseStatus.RESOLVED: 2,
    CaseStatus.CLOSED: 2,
}


def work_units(scale_name: str) -> int:
    from kramar.accounts.demo import SCALES
    from kramar.clients.demo import CLIENTS_PER_MANAGER

    scale = SCALES[scale_name]
    clients = scale.sales_departments * (scale.managers_per_department + 1)
    clients *= CLIENTS_PER_MANAGER[scale_name]
    return min(clients * CASES_PER_TEN_CLIENTS // 10, MOST_CASES[scale_name])


def seed(context: Any) -> list[tuple[str, str, str]]:
    units = work_units(context.scale)
    service = list(
        User.objects.filter(is_active=True, is_staff=True, groups__name=Role.AFTER_SALES.value)
        .select_related("department")
        .order_by("email")
        .distinct()
    )
    if ServiceCase.objects.exists() or not service:
        context.progress(units)
        return []
    clients = list(Client.objects.filter(merged_into__isnull=True).order_by("pk"))
    count = min(len(clients) * CASES_PER_TEN_CLIENTS // 10, MOST_CASES[context.scale])
    rng = context.rng_for("cases")
    now = timezone.now()
    for _index in range(count):
        _case(rng, rng.choice(clients), service, now)
    context.progress(units)
    return []


def _case(rng: random.Random, client: Client, service: list[User], now: datetime) -> None:
    kind = rng.choice(list(CaseKind))
    priority = rng.choices(list(CasePriority), weights=[2, 5, 2, 1])[0]
    fate = rng.choices(list(FATES), weights=list(FATES.values()))[0]
    sla = SLA_BY_PRIORITY[priority]
    # Open cases are opened within two SLA budgets of now, so about half are overdue.
    age = rng.uniform(0.1, 2.0) * sla if fate in ("new", "in_progress", "waiting_client") else None
    at = now - (age if age is not None else timedelta(days=rng.randint(10, 120)))
    actor, owner = rng.choice(service), rng.choice(service)
    case = case_open(
        actor=actor,
        client=client,
        kind=kind,
        subject=rng.choice(SUBJECTS[kind]),
        priority=priority,
        now=at,
    )
    if fate == "new":
        return
    at = _later(rng, at, now)
    case = case_assign(actor=actor, case=case, owner=owner, now=at)
    at = _later(rng, at, now)
    case = case_change_status(actor=owner, case=case, status=CaseStatus.IN_PROGRESS, now=at)
    if fate == CaseStatus.WAITING_CLIENT:
        case_change_status(
            actor=owner,
            case=case,
            status=CaseStatus.WAITING_CLIENT,
            note="Чекаємо фото від клієнта",
            now=_later(rng, at, now),
        )
    elif fate in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        at = _later(rng, at + sla * rng.uniform(0.2, 1.5), now)
        case = case_resolve(actor=owner, case=case, resolution=rng.choice(RESOLUTIONS), now=at)
        if fate == CaseStatus.CLOSED:
            case_close(actor=owner, case=case, now=_later(rng, at, now))


def _later(rng: random.Random, at: datetime, now: datetime) -> datetime:
    return min(now, at + timedelta(minutes=rng.randint(5, 240)))
