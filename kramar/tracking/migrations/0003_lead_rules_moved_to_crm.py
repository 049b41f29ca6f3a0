"""Lead rules are the CRM's now: forget the model here, keep its table (crm 0008 renamed it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0008_lead_rules_from_tracking"),
        ("tracking", "0002_deal_and_order_touches"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LeadRule")],
            database_operations=[],
        ),
    ]
