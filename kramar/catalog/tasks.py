"""Background work of the catalogue: the CSV import, a batch of rows per task.

Each batch enqueues the next when it commits (``imports.product_import_run_batch``), so a large
file never holds one worker for long and the office's progress bar moves batch by batch. A batch
task that runs twice finds the import already past it and does nothing.
"""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from kramar.catalog import imports
from kramar.catalog.selectors import product_import_language

logger = logging.getLogger(__name__)


@task
def product_import_batch(import_id: int, start: int) -> str:
    """Import one batch of rows of a product import, starting at data row ``start``."""
    # The refusals are stored as text: write them in the language of whoever uploaded the file.
    with translation.override(product_import_language(pk=import_id)):
        try:
            following = imports.product_import_run_batch(import_id=import_id, start=start)
        except Exception:
            logger.exception("product import %s stopped at row %s", import_id, start)
            imports.product_import_fail(
                import_id=import_id,
                message=_(
                    "The import stopped on an unexpected error; the rows before it are saved."
                ),
            )
            raise
    return "over" if following is None else f"next batch from {following}"


@task
def stock_alert_email(alert_id: int) -> str:
    """E-mail a customer that the variant they waited for can be bought again."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from kramar.catalog.models import StockAlert

    alert = (
        StockAlert.objects.select_related("user", "variant__product").filter(pk=alert_id).first()
    )
    if alert is None or not alert.user.is_active:
        return "gone"
    product = alert.variant.product
    context = {
        "alert": alert,
        "product": product,
        "link": f"{settings.SITE_URL.rstrip('/')}/p/{product.slug}/",
    }
    with translation.override(alert.user.language or settings.LANGUAGE_CODE):
        subject = _("Back in stock: %(name)s") % {"name": alert.variant}
        body = render_to_string("catalog/email/back_in_stock.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[alert.user.email])
    return "sent"
