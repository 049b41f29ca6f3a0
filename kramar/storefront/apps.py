from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    name = "kramar.storefront"
    label = "storefront"
    verbose_name = _("Shop front")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from kramar.storefront.signals import forget_visitor, merge_visitor_cart, record_sign_in

        user_logged_in.connect(merge_visitor_cart, dispatch_uid="kramar-merge-visitor-cart")
        user_logged_in.connect(record_sign_in, dispatch_uid="kramar-record-sign-in")
        user_logged_out.connect(forget_visitor, dispatch_uid="kramar-forget-visitor")
