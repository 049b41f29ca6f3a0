from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalConfig(AppConfig):
    name = "kramar.personal"
    label = "personal"
    verbose_name = _("Personal site")

    def ready(self) -> None:
        # The apps below learn nothing of this one (CONVENTIONS.md rule 4): personal plugs into
        # their registries. Cart pricing asks it for the client's personal offer; orders tell
        # it of every placed order (the worker refreshes "bought together"); the CRM's approval
        # of an offer above the limit calls it back; a sign-in merges the visitor's history.
        from django.contrib.auth.signals import user_logged_in

        from kramar.cart.adjustments import cart_adjuster_add
        from kramar.crm.enums import ApprovalKind
        from kramar.crm.services import approval_applier_register
        from kramar.orders.hooks import order_listener_add
        from kramar.personal.recent import merge_at_sign_in
        from kramar.personal.selectors import offer_discount
        from kramar.personal.services import offer_apply_approved
        from kramar.personal.tasks import order_changed

        cart_adjuster_add(offer_discount)
        order_listener_add(order_changed)
        approval_applier_register(ApprovalKind.PERSONAL_OFFER, offer_apply_approved)
        user_logged_in.connect(merge_at_sign_in, dispatch_uid="personal-recently-viewed")
        # A person's privacy request (clients.services.privacy): this app's part of it.
        from kramar.clients.services import privacy_part_register
        from kramar.personal import privacy

        privacy_part_register("personal", export=privacy.export, erase=privacy.erase)
