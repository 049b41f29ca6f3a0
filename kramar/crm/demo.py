"""Demo deals and activities: every manager's open, won and lost deals with their work history.

Written through the services with back-dated times, so the stage history, the exit criteria, the
stamped stages and the client timelines are exactly what real use would leave (M1, M2, M16, M17),
and every manager has overdue, today's and future plans (M13). A few lead rules show how new
leads from the shop's forms and from e-mail find their manager (M6, M8).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import Department, User
from kramar.catalog.models import ProductGroup
from kramar.clients.models import Client, Region
from kramar.crm.enums import ActivityKind, CriterionKind, DealStatus, LeadChannel, StageKind
from kramar.crm.models import ActivityOutcome, Deal, LeadRule, LostReason, Pipeline
from kramar.crm.services import (
    activity_complete,
    activity_plan,
    deal_create,
    deal_delete,
    deal_mark_lost,
    deal_move_stage,
    deal_set_discount,
    lead_rule_create,
)

DEALS_PER_MANAGER = {"small": 6, "medium": 25, "large": 60}
OUTCOME_FOR_KIND = {
    ActivityKind.CALL: "reached-agreed",
    ActivityKind.MEETING: "meeting-held",
    ActivityKind.OFFER: "offer-sent",
    ActivityKind.EMAIL: "reached-agreed",
    ActivityKind.TASK: "done",
}
TITLES = {
    "retail": [
        "Диван і два крісла",
        "Кухонний гарнітур",
        "Ноутбук для навчання",
        "Холодильник",
        "Велосипед",
        "Набір посуду",
    ],
    "wholesale": [
        "Поставка 200 стільців",
        "Партія офісного паперу",
        "Обладнання для складу",
        "Річний контракт на канцтовари",
        "Меблі для нового офісу",
        "Поставка ламп LED",
    ],
    "service": [
        "Обслуговування кондиціонерів",
        "Сервісний контракт на ліфти",
        "Щомісячне прибирання офісу",
        "Обслуговування серверної",
    ],
}
NEXT_STEPS = [
    (ActivityKind.CALL, "Передзвонити щодо рішення"),
    (ActivityKind.MEETING, "Зустріч: презентація асортименту"),
    (ActivityKind.OFFER, "Надіслати оновлену пропозицію"),
    (ActivityKind.TASK, "Підготувати договір"),
    (ActivityKind.EMAIL, "Надіслати каталог"),
]


def work_units(scale_name: str) -> int:
    from kramar.accounts.demo import SCALES

    scale = SCALES[scale_name]
    managers = scale.sales_departments * (scale.managers_per_department + 1)
    return managers * DEALS_PER_MANAGER[scale_name]


def seed(context: Any) -> list[tuple[str, str, str]]:
    per_manager = DEALS_PER_MANAGER[context.scale]
    managers = (
        User.objects.filter(
            is_staff=True,
            department__kind=DepartmentKind.SALES,
            groups__name__in=[Role.SALES_MANAGER.value, Role.HEAD_OF_SALES.value],
        )
        .select_related("department")
        .order_by("email")
        .distinct()
    )
    pipelines = {p.code: p for p in Pipeline.objects.prefetch_related("stages__exit_criteria")}
    outcomes = {o.code: o for o in ActivityOutcome.objects.all()}
    reasons = list(LostReason.objects.filter(is_active=True).order_by("order"))
    for manager in managers:
        if Deal.objects.filter(manager=manager).exists():
            context.progress(per_manager)
            continue
        clients = list(Client.objects.filter(manager=manager).order_by("pk")[:200])
        if clients:
            SalesHistory(context, manager, pipelines, outcomes, reasons).write(clients, per_manager)
        context.progress(per_manager)
    lead_rules()
    return []


def lead_rules() -> None:
    """The demo's lead routing: wholesale quotes to department 2, letters to department 1, one
    region to a named manager, lighting questions to department 2; a call-back rule switched
    off. Made once (the office page keeps them afterwards)."""
    if LeadRule.objects.exists():
        return
    departments = {d.code: d for d in Department.objects.filter(code__in=["sales-1", "sales-2"])}
    from kramar.accounts.demo import DEMO_DOMAIN

    named = [f"{local}@{DEMO_DOMAIN}" for local in ("sales1.manager2", "sales1.head")]
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__in=named)}
    retail, wholesale = departments.get("sales-1"), departments.get("sales-2")
    odesa, lighting = (
        Region.objects.filter(code="odesa").first(),
        ProductGroup.objects.filter(name="Освітлення", parent=None).first(),
    )
    rules: list[dict[str, Any]] = [
        {
            "region": odesa,
            "manager": people.get("sales1.manager2"),
            "note": "Одещину веде один менеджер: він знає місцевих клієнтів",
        },
        {
            "channel": LeadChannel.QUOTE,
            "department": wholesale,
            "note": "Оптові запити — відділу №2, він веде оптових клієнтів",
        },
        {
            "product_group": lighting,
            "department": wholesale,
            "note": "Питання про освітлення — відділу №2, там знаються на LED",
        },
        {
            "channel": LeadChannel.EMAIL,
            "department": retail,
            "note": "Листи з невідомих адрес — роздрібному відділу №1",
        },
        {
            "channel": LeadChannel.CALLBACK,
            "manager": people.get("sales1.head"),
            "note": "Дзвінки на час акції — керівнику відділу №1 (вимкнено після акції)",
            "is_active": False,
        },
    ]
    for fields in rules:
        if all(value is not None for value in fields.values()):  # else: not in this demo
            lead_rule_create(actor=None, **fields)


class SalesHistory:
    def __init__(self, context, manager, pipelines, outcomes, reasons):
        self.rng = context.rng_for(f"deals:{manager.email}")
        self.manager = manager
        self.pipelines = pipelines
        self.outcomes = outcomes
        self.reasons = reasons
        self.now = timezone.now()

    def write(self, clients: list[Client], count: int) -> None:
        for index in range(count):
            self._deal(self.rng.choice(clients), index)
        self._undo_and_approvals()

    def _undo_and_approvals(self) -> None:
        """A discount waiting for the head and a deal in the recycle bin (issue 5, M15)."""
        deals = Deal.objects.filter(manager=self.manager).order_by("pk")
        open_deal = deals.filter(status=DealStatus.OPEN).first()
        if open_deal is not None:
            deal_set_discount(
                actor=self.manager,
                deal=open_deal,
                percent=settings.CRM_DISCOUNT_APPROVAL_ABOVE + 5,
                note="Клієнт бере річний обсяг, просить більшу знижку",
            )
        lost = deals.filter(status=DealStatus.LOST).first()
        if lost is not None:
            deal_delete(actor=self.manager, deal=lost)

    def _deal(self, client: Client, index: int) -> None:
        code = self.rng.choices(["retail", "wholesale", "service"], weights=[4, 5, 2])[0]
        pipeline = self.pipelines[code]
        open_stages = [s for s in pipeline.stages.all() if s.kind == StageKind.OPEN]
        won = next(s for s in pipeline.stages.all() if s.kind == StageKind.WON)
        fate = self.rng.choices(["open", "won", "lost"], weights=[5, 3, 2])[0]
        at = self.now - timedelta(days=self.rng.randint(20, 240))
        amount = (
            Decimal(self.rng.randrange(2_000, 900_000, 50))
            if code != "retail"
            else Decimal(self.rng.randrange(800, 90_000, 10))
        )
        deal = deal_create(
            actor=self.manager,
            client=client,
            pipeline=pipeline,
            manager=self.manager,
            title=self.rng.choice(TITLES[code]),
            amount=amount,
            now=at,
            expected_close_date=(at + timedelta(days=self.rng.randint(14, 90))).date(),
        )
        last = len(open_stages) if fate == "won" else self.rng.randint(1, len(open_stages))
        for position, stage in enumerate(open_stages[:last]):
            at = self._work(deal, stage, at)
            if position + 1 < last:
                at = self._advance(at, stage)
                deal_move_stage(
                    actor=self.manager, deal=deal, to_stage=open_stages[position + 1], now=at
                )
        if fate == "won":
            deal_move_stage(
                actor=self.manager, deal=deal, to_stage=won, now=self._advance(at, None)
            )
        elif fate == "lost":
            deal_mark_lost(
                actor=self.manager,
                deal=deal,
                reason=self.rng.choice(self.reasons),
                now=self._advance(at, None),
            )
        else:
            self._plan_next(deal)

    def _work(self, deal: Deal, stage: Any, at: Any) -> Any:
        """Do the work the stage's exit criteria ask for, in the stage (M2)."""
        for criterion in stage.exit_criteria.all():
            if criterion.kind != CriterionKind.ACTIVITY_DONE:
                continue
            kind = ActivityKind(criterion.activity_kind)
            activity = activity_plan(
                actor=self.manager,
                client=deal.client,
                kind=kind,
                deal=deal,
                subject=criterion.description,
                due_at=at,
            )
            at = min(self.now, at + timedelta(hours=self.rng.randint(2, 72)))
            activity_complete(
                actor=self.manager,
                activity=activity,
                outcome=self.outcomes[OUTCOME_FOR_KIND[kind]],
                result=self.rng.choice(
                    ["", "Клієнт зацікавлений", "Потрібно погодити з директором"]
                ),
                now=at,
            )
        return at

    def _advance(self, at: Any, stage: Any) -> Any:
        budget = (stage.target_days if stage is not None and stage.target_days else 7) + 5
        return min(self.now, at + timedelta(days=self.rng.randint(1, budget)))

    def _plan_next(self, deal: Deal) -> None:
        kind, subject = self.rng.choice(NEXT_STEPS)
        when = self.rng.choices(["overdue", "today", "later"], weights=[3, 2, 5])[0]
        local_now = timezone.localtime(self.now)
        due = {
            "overdue": local_now
            - timedelta(days=self.rng.randint(1, 10), hours=self.rng.randint(0, 5)),
            "today": local_now.replace(
                hour=self.rng.randint(9, 18), minute=0, second=0, microsecond=0
            ),
            "later": local_now + timedelta(days=self.rng.randint(1, 21)),
        }[when]
        activity_plan(
            actor=self.manager,
            client=deal.client,
            kind=kind,
            subject=subject,
            due_at=due,
            deal=deal,
            remind_before=timedelta(minutes=30),
        )
