"""Let an erasure redact the personal values in audit rows, and nothing else (issue 6, privacy).

The trigger of 0002 still refuses every DELETE and every UPDATE, except an UPDATE made while
the transaction has set ``kramar.audit_redaction`` to ``on`` (only ``audit.services.audit_redact``
does, with ``SET LOCAL``) that changes no column but ``changes`` and ``object_repr``: who did
what, when and from where stays as it was written; only the erased person's values go.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('kramar.audit_redaction', true) = 'on'
       AND (to_jsonb(NEW) - 'changes' - 'object_repr')
           = (to_jsonb(OLD) - 'changes' - 'object_repr') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditentry is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditentry is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_export_and_erase_actions")]

    operations = [migrations.RunPython(forwards, backwards)]
