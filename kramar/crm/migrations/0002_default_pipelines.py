"""The pipelines a new Kramar starts with: retail, wholesale (B2B) and service contracts.

Each stage says what result it must yield (M1); exit criteria name the work that must be done in
the stage before the deal may leave it (M2). Administrators change them in /admin/.
"""

from django.db import migrations

PIPELINES = [
    (
        "retail",
        "Роздрібний продаж",
        [
            (
                "new",
                "Нове звернення",
                "open",
                "Зрозуміло, що потрібно клієнтові",
                2,
                10,
                [("activity_done", "call", "", "Дзвінок клієнтові з результатом")],
            ),
            (
                "offer",
                "Пропозиція",
                "open",
                "Клієнт отримав пропозицію з ціною",
                5,
                40,
                [("field_filled", "", "amount", "Сума угоди вказана")],
            ),
            ("order", "Замовлення", "open", "Клієнт оформив замовлення", 7, 80, []),
            ("won", "Виграно", "won", "Товар оплачено й доставлено", None, 100, []),
            ("lost", "Програно", "lost", "", None, 0, []),
        ],
    ),
    (
        "wholesale",
        "Оптовий продаж (B2B)",
        [
            (
                "lead",
                "Потенційний клієнт",
                "open",
                "Знайдено особу, що приймає рішення",
                7,
                5,
                [("activity_done", "call", "", "Дзвінок з результатом")],
            ),
            (
                "meeting",
                "Зустріч",
                "open",
                "Потреби й обсяги з’ясовано на зустрічі",
                14,
                20,
                [("activity_done", "meeting", "", "Зустріч проведено")],
            ),
            (
                "proposal",
                "Комерційна пропозиція",
                "open",
                "Пропозицію надіслано й обговорено",
                14,
                50,
                [
                    ("activity_done", "offer", "", "Комерційну пропозицію надіслано"),
                    ("field_filled", "", "amount", "Сума угоди вказана"),
                    ("field_filled", "", "expected_close_date", "Очікувана дата закриття вказана"),
                ],
            ),
            ("negotiation", "Переговори", "open", "Умови договору погоджено", 21, 75, []),
            ("contract", "Договір", "open", "Договір підписано, рахунок виставлено", 10, 90, []),
            ("won", "Виграно", "won", "Оплату отримано", None, 100, []),
            ("lost", "Програно", "lost", "", None, 0, []),
        ],
    ),
    (
        "service",
        "Сервісний контракт",
        [
            (
                "request",
                "Запит",
                "open",
                "Обсяг обслуговування визначено",
                5,
                20,
                [("activity_done", "call", "", "Дзвінок з результатом")],
            ),
            (
                "survey",
                "Обстеження",
                "open",
                "Об’єкт обстежено",
                10,
                50,
                [("activity_done", "meeting", "", "Виїзд на об’єкт")],
            ),
            ("contract", "Договір", "open", "Договір підписано", 14, 85, []),
            ("won", "Виграно", "won", "Контракт діє", None, 100, []),
            ("lost", "Програно", "lost", "", None, 0, []),
        ],
    ),
]

LOST_REASONS = [
    ("price", "Висока ціна"),
    ("competitor", "Обрали конкурента"),
    ("no-budget", "Немає бюджету"),
    ("no-need", "Потреба зникла"),
    ("no-answer", "Клієнт не відповідає"),
    ("terms", "Не влаштували умови доставки чи оплати"),
    ("quality", "Сумніви щодо якості"),
    ("other", "Інше"),
]

OUTCOMES = [
    ("reached-agreed", "Поговорили, домовилися про наступний крок", "", True),
    ("reached-thinking", "Поговорили, клієнт думає", "", True),
    ("no-answer", "Не відповідає", "call", False),
    ("call-back", "Просить передзвонити", "call", True),
    ("meeting-held", "Зустріч відбулася", "meeting", True),
    ("meeting-moved", "Зустріч перенесено", "meeting", False),
    ("offer-sent", "Пропозицію надіслано", "offer", True),
    ("refused", "Клієнт відмовився", "", False),
    ("done", "Виконано", "task", True),
]


def add(apps, schema_editor):
    Pipeline = apps.get_model("crm", "Pipeline")
    Stage = apps.get_model("crm", "Stage")
    ExitCriterion = apps.get_model("crm", "ExitCriterion")
    for order, (code, name, stages) in enumerate(PIPELINES):
        pipeline, _ = Pipeline.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        for position, (s_code, s_name, kind, result, days, chance, criteria) in enumerate(stages):
            stage, created = Stage.objects.get_or_create(
                pipeline=pipeline,
                code=s_code,
                defaults={
                    "name": s_name,
                    "order": position,
                    "kind": kind,
                    "expected_result": result,
                    "target_days": days,
                    "probability": chance,
                },
            )
            if created:
                for c_kind, activity_kind, field, description in criteria:
                    ExitCriterion.objects.create(
                        stage=stage,
                        kind=c_kind,
                        activity_kind=activity_kind,
                        field=field,
                        description=description,
                    )
    LostReason = apps.get_model("crm", "LostReason")
    for order, (code, name) in enumerate(LOST_REASONS):
        LostReason.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    ActivityOutcome = apps.get_model("crm", "ActivityOutcome")
    for order, (code, name, kind, positive) in enumerate(OUTCOMES):
        ActivityOutcome.objects.get_or_create(
            code=code,
            defaults={"name": name, "activity_kind": kind, "is_positive": positive, "order": order},
        )


def remove(apps, schema_editor):
    apps.get_model("crm", "Pipeline").objects.filter(code__in=[p[0] for p in PIPELINES]).delete()
    apps.get_model("crm", "LostReason").objects.filter(
        code__in=[r[0] for r in LOST_REASONS]
    ).delete()
    apps.get_model("crm", "ActivityOutcome").objects.filter(
        code__in=[o[0] for o in OUTCOMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_crm")]
    operations = [migrations.RunPython(add, remove)]
