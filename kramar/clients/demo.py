"""Demo clients: every manager's book of persons and companies with contacts and a history.

Written in bulk (the demo's ``large`` scale holds 3000 clients per manager, M4), with the same
case-folded keys and timeline rows that the services write. Each manager's clients come from a
random source of their own, so a seed always gives the same book, and a manager who already has
their demo clients is skipped (idempotent).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from kramar.accounts.demo import FIRST_NAMES, LAST_NAMES
from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import User
from kramar.clients.enums import ClientKind, ClientSource, CompanySize, TimelineKind
from kramar.clients.models import (
    Client,
    ClientEmail,
    ClientPhone,
    Industry,
    Region,
    Tag,
    TimelineEntry,
)
from kramar.clients.services import client_for_shop_user, fold, saved_view_save

CLIENTS_PER_MANAGER = {"small": 12, "medium": 300, "large": 3000}
LATIN = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя’",
        [
            "a",
            "b",
            "v",
            "h",
            "g",
            "d",
            "e",
            "ie",
            "zh",
            "z",
            "y",
            "i",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "iu",
            "ia",
            "",
        ],
        strict=True,
    )
)
COMPANY_WORDS = [
    "Агро",
    "Буд",
    "Тех",
    "Мед",
    "Торг",
    "Енерго",
    "Транс",
    "Хліб",
    "Світ",
    "Інвест",
    "Пром",
    "Дім",
    "Сервіс",
    "Ліс",
    "Смак",
]
COMPANY_FORMS = ["ТОВ", "ПП", "ФОП", "ПрАТ"]
JOB_TITLES = ["Директор", "Закупівельник", "Бухгалтер", ""]
TAGS = ["VIP", "опт", "роздріб", "новий", "повернувся", "дилер", "тендер"]
SOURCES = (
    [ClientSource.SITE] * 4
    + [ClientSource.PHONE] * 2
    + [
        ClientSource.REFERRAL,
        ClientSource.ADVERTISING,
        ClientSource.EVENT,
        ClientSource.EMAIL,
        ClientSource.MANUAL,
    ]
)
CONTACTS = [
    (TimelineKind.CALL, "Дзвінок: обговорили замовлення"),
    (TimelineKind.CALL, "Дзвінок: клієнт просить комерційну пропозицію"),
    (TimelineKind.MEETING, "Зустріч в офісі клієнта"),
    (TimelineKind.EMAIL_OUT, "Надіслано прайс-лист"),
    (TimelineKind.EMAIL_IN, "Лист: запит щодо доставки"),
]


def latin(text: str) -> str:
    return "".join(LATIN.get(ch, ch) for ch in text.lower() if ch.isalnum() or ch in LATIN)


def work_units(scale_name: str) -> int:
    from kramar.accounts.demo import SCALES

    scale = SCALES[scale_name]
    managers = scale.sales_departments * (scale.managers_per_department + 1)
    return managers * CLIENTS_PER_MANAGER[scale_name] + 1


def seed(context: Any) -> list[tuple[str, str, str]]:
    regions = list(Region.objects.order_by("code"))
    industries = list(Industry.objects.order_by("code"))
    tags = [Tag.objects.get_or_create(key=fold(n), defaults={"name": n})[0] for n in TAGS]
    per_manager = CLIENTS_PER_MANAGER[context.scale]
    managers = (
        User.objects.filter(
            is_staff=True,
            department__kind=DepartmentKind.SALES,
            groups__name__in=[Role.SALES_MANAGER.value, Role.HEAD_OF_SALES.value],
        )
        .select_related("department")
        .annotate(book=Count("managed_clients"))
        .order_by("email")
        .distinct()
    )
    for manager in managers:
        if manager.book < per_manager:
            Book(context, manager, regions, industries, tags).write(per_manager)
        context.progress(per_manager)
        _save_views(manager, tags)
    _link_shop_customers()
    context.progress(1)
    return []


def _save_views(manager: User, tags: list[Tag]) -> None:
    """Give every demo manager the saved views a real one keeps (issue 4)."""
    saved_view_save(owner=manager, name="Мовчать понад 90 днів", filters={
        "silent_days": 90, "ordering": "last_contact",
    })  # fmt: skip
    saved_view_save(owner=manager, name="Компанії", filters={"kind": "company"})
    saved_view_save(
        owner=manager, name=tags[0].name, filters={"tag": tags[0].name, "ordering": "-created"}
    )


def _link_shop_customers() -> None:
    """Make every demo shop customer a client, as the shop does at sign-up."""
    for user in User.objects.filter(is_staff=False, client__isnull=True).order_by("pk")[:200]:
        client_for_shop_user(user=user)
    orphans = list(User.objects.filter(is_staff=False, client__isnull=True).order_by("pk"))
    now = timezone.now()
    Client.objects.bulk_create(
        [
            Client(
                kind=ClientKind.PERSON,
                name=u.full_name or u.email,
                name_key=fold(u.full_name),
                search_text=fold(u.full_name),
                source=ClientSource.SITE,
                user=u,
                created_at=now,
                updated_at=now,
            )
            for u in orphans
        ],
        batch_size=1000,
    )
    emails = [
        ClientEmail(client=c, email=c.user.email, is_primary=True)
        for c in Client.objects.filter(user__in=orphans).select_related("user")
        if c.user is not None
    ]
    ClientEmail.objects.bulk_create(emails, batch_size=1000)


class Book:
    """One manager's demo clients, drawn from the manager's own random source."""

    def __init__(self, context, manager, regions, industries, tags):
        self.rng = context.rng_for(f"clients:{manager.email}")
        self.manager = manager
        self.regions = regions
        self.industries = industries
        self.tags = tags
        self.now = timezone.now()
        self.client_type = ContentType.objects.get_for_model(Client)

    def write(self, count: int) -> None:
        clients: list[Client] = []
        while len(clients) < count:
            company = self._company(len(clients))
            clients.append(company)
            for _ in range(self.rng.randint(0, 2)):
                if len(clients) < count:
                    clients.append(self._person(len(clients), company=company))
            for _ in range(self.rng.randint(1, 3)):
                if len(clients) < count:
                    clients.append(self._person(len(clients)))
        companies = [c for c in clients if c.kind == ClientKind.COMPANY]
        Client.objects.bulk_create(companies, batch_size=1000)
        for person in clients:  # the companies now have ids
            if person.company is not None:
                person.company_id = person.company.pk
        Client.objects.bulk_create(
            [c for c in clients if c.kind == ClientKind.PERSON], batch_size=1000
        )
        self._details(clients)

    def _common(self, index: int) -> dict[str, Any]:
        created = self.now - timedelta(
            days=self.rng.randint(1, 730), minutes=self.rng.randint(0, 1440)
        )
        return {
            "manager": self.manager,
            "department": self.manager.department,
            "region": self.rng.choice(self.regions),
            "source": self.rng.choice(SOURCES),
            "created_by": self.manager,
            "created_at": created,
            "updated_at": created,
        }

    def _company(self, index: int) -> Client:
        word = self.rng.choice(COMPANY_WORDS) + self.rng.choice(COMPANY_WORDS).lower()
        name = f"{self.rng.choice(COMPANY_FORMS)} «{word}-{self.rng.randint(1, 999)}»"
        return Client(
            kind=ClientKind.COMPANY,
            name=name,
            name_key=fold(name),
            search_text=fold(name),
            legal_name=f"Товариство «{word}»",
            registration_code=str(self.rng.randint(10**7, 10**8 - 1)),
            industry=self.rng.choice(self.industries),
            size=self.rng.choice(CompanySize.values),
            is_supplier=self.rng.random() < 0.1,
            is_partner=self.rng.random() < 0.05,
            **self._common(index),
        )

    def _person(self, index: int, company: Client | None = None) -> Client:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        return Client(
            kind=ClientKind.PERSON,
            name=name,
            name_key=fold(name),
            search_text=fold(name),
            first_name=first,
            last_name=last,
            company=company,
            job_title=self.rng.choice(JOB_TITLES) if company else "",
            **self._common(index),
        )

    def _details(self, clients: list[Client]) -> None:
        emails, phones, entries, tag_links = [], [], [], []
        Tagged = Client.tags.through
        for client in clients:
            local = latin(client.last_name or client.name)[:20] or "client"
            emails.append(
                ClientEmail(
                    client=client, email=f"{local}.{client.pk}@example.com", is_primary=True
                )
            )
            operator = self.rng.choice(["50", "63", "66", "67", "68", "73", "93", "95", "96", "97"])
            number = f"+380{operator}{self.rng.randint(10**6, 10**7 - 1)}"
            phones.append(ClientPhone(client=client, number=number, is_primary=True))
            entries.append(
                self._entry(
                    client, TimelineKind.CLIENT_CREATED, "Клієнта створено", client.created_at
                )
            )
            last_contact = None
            for _ in range(self.rng.choice([0, 1, 1, 2, 3, 4])):
                kind, summary = self.rng.choice(CONTACTS)
                span = max(1, int((self.now - client.created_at).total_seconds()))
                when = client.created_at + timedelta(seconds=self.rng.randint(0, span))
                entries.append(self._entry(client, kind, summary, when))
                last_contact = max(last_contact or when, when)
            client.last_contact_at = last_contact
            if self.rng.random() < 0.4:
                tag_links.append(Tagged(client_id=client.pk, tag_id=self.rng.choice(self.tags).pk))
        ClientEmail.objects.bulk_create(emails, batch_size=1000)
        ClientPhone.objects.bulk_create(phones, batch_size=1000)
        TimelineEntry.objects.bulk_create(entries, batch_size=1000)
        Tagged.objects.bulk_create(tag_links, batch_size=1000)
        Client.objects.bulk_update(clients, ["last_contact_at"], batch_size=1000)

    def _entry(self, client: Client, kind: str, summary: str, when: Any) -> TimelineEntry:
        return TimelineEntry(
            client=client,
            kind=kind,
            summary=summary,
            occurred_at=when,
            actor=self.manager,
            source_type=self.client_type if kind == TimelineKind.CLIENT_CREATED else None,
            source_id=str(client.pk) if kind == TimelineKind.CLIENT_CREATED else "",
        )
