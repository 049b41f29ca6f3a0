from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kramar.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from kramar.audit import capture, context, registry, signins

        capture.connect(registry.AUDITED)
        signins.connect()
        context.connect_tasks()
