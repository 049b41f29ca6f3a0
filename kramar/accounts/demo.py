"""Demo people: departments, staff in every role, shop customers.

Every app may have a ``demo.py`` with ``seed(context)``; ``manage.py kramar_demo`` runs them in
the order of INSTALLED_APPS. Each seed is idempotent (it finds what an earlier run made) and
deterministic for a given ``--seed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import Department, User
from kramar.accounts.services import customer_register, department_create, staff_create

DEMO_PASSWORD = "kramar-demo-2026"  # nosec B105
DEMO_DOMAIN = "demo.kramar.ua"

# Names shared by every app's demo data.
FIRST_NAMES = [
    "Олена",
    "Андрій",
    "Ірина",
    "Тарас",
    "Марія",
    "Богдан",
    "Оксана",
    "Дмитро",
    "Наталія",
    "Василь",
    "Софія",
    "Максим",
    "Юлія",
    "Олег",
    "Катерина",
    "Ігор",
    "Галина",
    "Роман",
    "Христина",
    "Назар",
    "Людмила",
    "Степан",
    "Дарина",
    "Остап",
]
LAST_NAMES = [
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Мельник",
    "Савченко",
    "Руденко",
    "Мороз",
    "Лисенко",
    "Петренко",
    "Гончаренко",
    "Поліщук",
    "Левченко",
    "Козак",
    "Білик",
    "Ярмоленко",
    "Гнатюк",
    "Дорошенко",
]
CITIES = [
    "Київ",
    "Львів",
    "Одеса",
    "Харків",
    "Дніпро",
    "Вінниця",
    "Полтава",
    "Чернігів",
    "Ужгород",
    "Тернопіль",
]


@dataclass(frozen=True)
class Scale:
    sales_departments: int
    managers_per_department: int
    customers: int


SCALES = {
    "small": Scale(sales_departments=2, managers_per_department=3, customers=30),
    "medium": Scale(sales_departments=4, managers_per_department=10, customers=3_000),
    "large": Scale(sales_departments=10, managers_per_department=25, customers=50_000),
}


def _department(code: str, name: str, kind: DepartmentKind) -> Department:
    found = Department.objects.filter(code=code).first()
    return found or department_create(code=code, name=name, kind=kind)


def _staff(email: str, name: str, roles: list[Role], department: Department) -> User:
    found = User.objects.filter(email=email).first()
    if found:
        return found
    return staff_create(
        email=email, full_name=name, roles=roles, department=department, password=DEMO_PASSWORD
    )


def seed(context) -> list[tuple[str, str, str]]:
    """Create the demo people; return the logins to print: (role, e-mail, password)."""
    scale: Scale = SCALES[context.scale]
    rng = context.rng
    logins: list[tuple[str, str, str]] = []

    management = _department("management", "Дирекція", DepartmentKind.MANAGEMENT)
    singles = [
        (Role.ADMINISTRATOR, "admin", "Адміністратор Системи", management),
        (Role.COMPANY_HEAD, "head", "Віктор Гетьман", management),
        (
            Role.MARKETING,
            "marketing",
            "Леся Маркевич",
            _department("marketing", "Маркетинг", DepartmentKind.MARKETING),
        ),
        (
            Role.AFTER_SALES,
            "service",
            "Павло Сервісенко",
            _department("service", "Сервіс після продажу", DepartmentKind.SERVICE),
        ),
        (
            Role.ACCOUNTANT,
            "accountant",
            "Ганна Рахункова",
            _department("accounting", "Бухгалтерія", DepartmentKind.ACCOUNTING),
        ),
        (
            Role.SHOP_MANAGER,
            "shop",
            "Остап Складенко",
            _department("shop", "Магазин і склад", DepartmentKind.SHOP),
        ),
    ]
    for role, local, name, department in singles:
        email = f"{local}@{DEMO_DOMAIN}"
        _staff(email, name, [role], department)
        logins.append((str(role.label), email, DEMO_PASSWORD))
    context.progress(len(singles))

    for number in range(1, scale.sales_departments + 1):
        city = CITIES[(number - 1) % len(CITIES)]
        department = _department(
            f"sales-{number}", f"Відділ продажу №{number} ({city})", DepartmentKind.SALES
        )
        head_email = f"sales{number}.head@{DEMO_DOMAIN}"
        _staff(
            head_email,
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            [Role.HEAD_OF_SALES],
            department,
        )
        if number == 1:
            logins.append((str(Role.HEAD_OF_SALES.label), head_email, DEMO_PASSWORD))
        for index in range(1, scale.managers_per_department + 1):
            email = f"sales{number}.manager{index}@{DEMO_DOMAIN}"
            _staff(
                email,
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                [Role.SALES_MANAGER],
                department,
            )
            if number == 1 and index == 1:
                logins.append((str(Role.SALES_MANAGER.label), email, DEMO_PASSWORD))
        context.progress(1 + scale.managers_per_department)

    customer_email = f"customer@{DEMO_DOMAIN}"
    if not User.objects.filter(email=customer_email).exists():
        customer_register(email=customer_email, password=DEMO_PASSWORD, full_name="Оксана Покупець")
    logins.append((str(_("Shop customer")), customer_email, DEMO_PASSWORD))
    _bulk_customers(context, scale.customers)
    return logins


def _bulk_customers(context, count: int) -> None:
    """Add shop customers without passwords (they would reset one), in batches."""
    rng = context.rng
    existing = set(
        User.objects.filter(
            email__startswith="customer", email__endswith=f"@{DEMO_DOMAIN}"
        ).values_list("email", flat=True)
    )
    unusable = make_password(None)
    batch: list[User] = []
    for number in range(1, count + 1):
        # Draw the name even for existing rows, so that a second run stays deterministic.
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        email = f"customer{number:06d}@{DEMO_DOMAIN}"
        if email not in existing:
            batch.append(User(email=email, full_name=name, password=unusable, is_staff=False))
        if number % 1000 == 0 or number == count:
            User.objects.bulk_create(batch)
            context.progress(1000 if number % 1000 == 0 else number % 1000)
            batch = []


def work_units(scale_name: str) -> int:
    scale = SCALES[scale_name]
    return 6 + scale.sales_departments * (1 + scale.managers_per_department) + scale.customers
