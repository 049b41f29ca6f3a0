"""The plan templates a new Kramar starts with (administrators change them in /admin/)."""

from django.db import migrations

TEMPLATES = [
    (
        "new-wholesale-client",
        "Новий оптовий клієнт",
        "Дзвінок за 1 день, зустріч за 7, пропозиція за 14",
        [
            ("call", "Знайомство: дзвінок особі, що приймає рішення", 1, 30),
            ("meeting", "Зустріч: потреби, обсяги, умови", 7, 60),
            ("offer", "Комерційна пропозиція за підсумками зустрічі", 14, None),
        ],
    ),
    (
        "after-sale",
        "Після продажу",
        "Дзвінок за 3 дні після доставки, опитування за 30",
        [
            ("call", "Чи все гаразд із доставкою й товаром?", 3, 30),
            ("call", "Опитування задоволеності та пропозиція супутніх товарів", 30, 30),
        ],
    ),
    (
        "returning-client",
        "Повернути клієнта",
        "Для клієнтів без контакту понад 90 днів",
        [
            ("email", "Лист із новинками та персональною знижкою", 0, None),
            ("call", "Дзвінок: що змінилося, чи є потреба", 5, 30),
        ],
    ),
]


def add(apps, schema_editor):
    PlanTemplate = apps.get_model("crm", "PlanTemplate")
    PlanTemplateStep = apps.get_model("crm", "PlanTemplateStep")
    for code, name, description, steps in TEMPLATES:
        template, created = PlanTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        if created:
            for order, (kind, subject, days, remind) in enumerate(steps):
                PlanTemplateStep.objects.create(
                    template=template,
                    order=order,
                    kind=kind,
                    subject=subject,
                    offset_days=days,
                    remind_before_minutes=remind,
                )


def remove(apps, schema_editor):
    apps.get_model("crm", "PlanTemplate").objects.filter(
        code__in=[t[0] for t in TEMPLATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("crm", "0003_plan_templates")]
    operations = [migrations.RunPython(add, remove)]
