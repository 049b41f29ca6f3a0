"""A lead rule matches a channel (the web forms' kinds, and e-mail), not only a form kind.

The column is renamed, so every rule keeps what it matched: a form kind is its channel.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0008_lead_rules_from_tracking"),
    ]

    operations = [
        migrations.RenameField(model_name="leadrule", old_name="form_kind", new_name="channel"),
        migrations.AlterField(
            model_name="leadrule",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("contact", "Contact us"),
                    ("callback", "Call-back request"),
                    ("quote", "Wholesale quote request"),
                    ("question", "Question about a product"),
                    ("email", "E-mail"),
                ],
                max_length=20,
                verbose_name="channel",
            ),
        ),
        migrations.AddField(
            model_name="leadrule",
            name="note",
            field=models.CharField(blank=True, max_length=200, verbose_name="what the rule is for"),
        ),
    ]
