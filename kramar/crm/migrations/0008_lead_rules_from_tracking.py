"""Lead rules move from tracking to the CRM with their rows (docs/architecture.md).

The table is renamed in place (``tracking_leadrule`` -> ``crm_leadrule``): the rows keep their
ids, so the audit trail's rows still name them, and nothing is copied. The state moves in two
steps: this migration adopts the model under its old table and renames it; tracking's 0002
forgets it. The content type moves too, so its permissions (held by the roles' groups and the
admin's log) follow the model. The audit trail is append-only: its earlier rows keep the label
``tracking.leadrule`` (``audit.registry.FORMER_LABELS`` reads them with the new one).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    kept = content_type.objects.using(schema_editor.connection.alias)
    if not kept.filter(app_label=target, model="leadrule").exists():
        kept.filter(app_label=source, model="leadrule").update(app_label=target)


def content_type_to_crm(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, source="tracking", target="crm")


def content_type_to_tracking(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, source="crm", target="tracking")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_totp"),
        ("catalog", "0003_search_and_wishlist"),
        ("clients", "0004_recycle_bin"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("crm", "0007_personal_offer_approvals"),
        ("tracking", "0001_site_tracking"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LeadRule",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("order", models.PositiveIntegerField(default=0, verbose_name="order")),
                        (
                            "form_kind",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("contact", "Contact us"),
                                    ("callback", "Call-back request"),
                                    ("quote", "Wholesale quote request"),
                                    ("question", "Question about a product"),
                                ],
                                max_length=20,
                                verbose_name="form",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="accounts.department",
                                verbose_name="department",
                            ),
                        ),
                        (
                            "manager",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="manager",
                            ),
                        ),
                        (
                            "product_group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="catalog.productgroup",
                                verbose_name="product group",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="clients.region",
                                verbose_name="region",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "lead rule",
                        "verbose_name_plural": "lead rules",
                        "ordering": ["order", "pk"],
                        "db_table": "tracking_leadrule",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_crm, content_type_to_tracking),
        migrations.AlterModelTable(name="leadrule", table=None),
    ]
