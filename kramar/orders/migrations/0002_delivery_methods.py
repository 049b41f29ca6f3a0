"""The delivery methods a new shop starts with; administrators change prices in /admin/."""

from decimal import Decimal

from django.db import migrations

METHODS = [
    ("post", "Нова пошта: відділення", "post", Decimal("80.00"), Decimal("2000.00"), 0),
    ("courier", "Кур'єр до дверей", "courier", Decimal("150.00"), Decimal("5000.00"), 1),
    ("pickup", "Самовивіз із магазину в Києві", "pickup", Decimal("0.00"), None, 2),
]


def add(apps, schema_editor):
    DeliveryMethod = apps.get_model("orders", "DeliveryMethod")
    for code, name, kind, price, free_from, position in METHODS:
        DeliveryMethod.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "price": price, "free_from": free_from,
                "position": position,
            },
        )  # fmt: skip


def remove(apps, schema_editor):
    apps.get_model("orders", "DeliveryMethod").objects.filter(
        code__in=[m[0] for m in METHODS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_orders")]
    operations = [migrations.RunPython(add, remove)]
