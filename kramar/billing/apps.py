from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "kramar.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # Orders tell their listeners when an order is placed, paid or cancelled; billing keeps
        # the order's invoice and payments in step from its worker (docs/billing.md, "Orders").
        from kramar.billing.tasks import order_changed
        from kramar.orders.hooks import order_listener_add

        order_listener_add(order_changed)
        # A credit limit above BILLING_CREDIT_LIMIT_APPROVAL_ABOVE waits for a head (issue 5).
        from kramar.billing.services.limits import apply_approved_credit_limit
        from kramar.crm.enums import ApprovalKind
        from kramar.crm.services import approval_applier_register

        approval_applier_register(ApprovalKind.CREDIT_LIMIT, apply_approved_credit_limit)
        # A person's privacy request (clients.services.privacy): this app's part of it.
        from kramar.billing import privacy
        from kramar.clients.services import privacy_part_register

        privacy_part_register("invoices", export=privacy.export, refuse=privacy.refuse)
