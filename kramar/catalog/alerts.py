"""Writes of the wishlist and the back-in-stock alerts (issue 3, item 7).

Whoever changes stock (a count, goods received, an order cancelled) calls
:func:`stock_alerts_deliver` with the variants concerned; it is cheap when nobody waits and
idempotent, so it may be called liberally. Each alert is e-mailed once, by the worker.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.catalog.enums import CatalogErrorCode
from kramar.catalog.models import Product, StockAlert, Variant, WishlistItem
from kramar.catalog.selectors import available_quantities, products_in_shop
from kramar.core.errors import ApplicationError

MAX_WISHLIST = 500


def _customer(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise ApplicationError(
            "accounts.not_authenticated", _("Sign in to keep a wishlist."), status=401
        )


@transaction.atomic
def wishlist_add(*, user: User, product: Product) -> WishlistItem:
    _customer(user)
    if not products_in_shop().filter(pk=product.pk).exists():
        raise ApplicationError(CatalogErrorCode.NOT_FOUND, _("No such product."), status=404)
    found = WishlistItem.objects.filter(user=user, product=product).first()
    if found is not None:
        return found
    if WishlistItem.objects.filter(user=user).count() >= MAX_WISHLIST:
        raise ApplicationError(
            CatalogErrorCode.BAD_QUANTITY,
            _("A wishlist holds at most %(n)d products.") % {"n": MAX_WISHLIST},
        )
    return WishlistItem.objects.create(user=user, product=product)


def wishlist_remove(*, user: User, product: Product) -> None:
    WishlistItem.objects.filter(user=user, product=product).delete()


@transaction.atomic
def stock_alert_subscribe(*, user: User, variant: Variant) -> StockAlert:
    """Ask to be e-mailed when the variant can be bought again (once per wait)."""
    _customer(user)
    if not variant.is_active or not products_in_shop().filter(pk=variant.product_id).exists():
        raise ApplicationError(CatalogErrorCode.NOT_FOUND, _("No such product."), status=404)
    if available_quantities([variant.pk]).get(variant.pk, 0) > 0:
        raise ApplicationError(
            CatalogErrorCode.BAD_QUANTITY, _("It is in stock: you can buy it now."), status=409
        )
    pending = StockAlert.objects.filter(user=user, variant=variant, notified_at__isnull=True)
    found = pending.first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return StockAlert.objects.create(user=user, variant=variant)
    except IntegrityError:  # the same customer asked twice at once
        return pending.get()


def stock_alerts_deliver(*, variant_ids: Iterable[int]) -> int:
    """Queue the e-mails of pending alerts whose variants can be bought now; return how many."""
    ids = list(variant_ids)
    waiting = set(
        StockAlert.objects.filter(variant_id__in=ids, notified_at__isnull=True).values_list(
            "variant_id", flat=True
        )
    )
    if not waiting:
        return 0
    available = available_quantities(waiting)
    ready = [pk for pk in waiting if available.get(pk, 0) > 0]
    if not ready:
        return 0
    from kramar.catalog.tasks import stock_alert_email

    with transaction.atomic():
        alerts = list(
            StockAlert.objects.select_for_update(skip_locked=True).filter(
                variant_id__in=ready, notified_at__isnull=True
            )
        )
        StockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(notified_at=timezone.now())
        ids = [alert.pk for alert in alerts]

        def enqueue() -> None:
            for alert_id in ids:
                stock_alert_email.enqueue(alert_id)

        transaction.on_commit(enqueue)
    return len(alerts)
