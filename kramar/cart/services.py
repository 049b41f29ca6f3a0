"""Writes of the cart. Quantities are checked against what can be sold now; the checkout checks
again under lock (a cart promises nothing)."""

from __future__ import annotations

from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.cart.enums import MAX_LINE_QUANTITY, MAX_LINES, CartErrorCode, CartStatus
from kramar.cart.models import Cart, CartLine
from kramar.cart.selectors import open_cart
from kramar.catalog.models import Variant
from kramar.catalog.selectors import available_quantities, products_in_shop
from kramar.core.errors import ApplicationError


def _check_quantity(quantity: int, *, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not low <= quantity <= MAX_LINE_QUANTITY
    ):
        raise ApplicationError(
            CartErrorCode.BAD_QUANTITY,
            _("The quantity must be a whole number from %(low)d to %(high)d.")
            % {"low": low, "high": MAX_LINE_QUANTITY},
            extra={"field": "quantity"},
        )
    return quantity


def _check_for_sale(variant: Variant) -> None:
    if not variant.is_active or not products_in_shop().filter(pk=variant.product_id).exists():
        raise ApplicationError(
            CartErrorCode.NOT_FOR_SALE,
            _("This item is not on sale."),
            extra={"field": "variant_id"},
        )


def _check_stock(variant: Variant, wanted: int) -> None:
    available = available_quantities([variant.pk]).get(variant.pk, 0)
    if wanted > available:
        message = (
            _("Only %(n)d of “%(name)s” can be bought now.") % {"n": available, "name": variant}
            if available
            else _("“%(name)s” is out of stock.") % {"name": variant}
        )
        raise ApplicationError(
            CartErrorCode.NOT_ENOUGH_STOCK,
            message,
            extra={"field": "quantity", "available": available},
            status=409,
        )


@transaction.atomic
def cart_open(*, user: User | None, token: str | UUID | None) -> Cart:
    """Return the customer's (or the session's) open cart, starting one if there is none."""
    found = open_cart(user=user, token=token)
    if found is not None:
        return found
    owner = user if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            return Cart.objects.create(user=owner)
    except IntegrityError:  # a parallel request of the same customer made it first
        cart = open_cart(user=user, token=token)
        if cart is None:
            raise
        return cart


def _lock(cart: Cart) -> Cart:
    locked = Cart.objects.select_for_update().get(pk=cart.pk)
    if locked.status != CartStatus.OPEN:
        raise ApplicationError(
            CartErrorCode.CART_CLOSED, _("This cart was already checked out."), status=409
        )
    return locked


@transaction.atomic
def cart_add(*, cart: Cart, variant: Variant, quantity: int) -> CartLine:
    """Put ``quantity`` more of a variant in the cart, if that many can be sold now."""
    _check_quantity(quantity)
    cart = _lock(cart)
    _check_for_sale(variant)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    wanted = quantity + (line.quantity if line else 0)
    _check_quantity(min(wanted, MAX_LINE_QUANTITY + 1))
    _check_stock(variant, wanted)
    if line is None:
        if cart.lines.count() >= MAX_LINES:
            raise ApplicationError(
                CartErrorCode.TOO_MANY_LINES,
                _("A cart holds at most %(n)d different items.") % {"n": MAX_LINES},
            )
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=wanted)
    else:
        line.quantity = wanted
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant: Variant, quantity: int) -> CartLine | None:
    """Set how many of a variant the cart holds; zero takes it out."""
    _check_quantity(quantity, allow_zero=True)
    cart = _lock(cart)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    if line is None:
        raise ApplicationError(
            CartErrorCode.NOT_IN_CART, _("That item is not in the cart."), status=404
        )
    if quantity == 0:
        line.delete()
        cart.save(update_fields=["updated_at"])
        return None
    if quantity > line.quantity:
        _check_for_sale(variant)
        _check_stock(variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_merge(*, source: Cart, user: User) -> Cart:
    """Move a visitor's cart into the customer's cart at sign-in.

    Quantities of the same item add up, capped at what can be sold; items that cannot be sold
    any more are dropped. The visitor's cart is closed as merged. A cart that already belongs to
    someone is never taken.
    """
    target = cart_open(user=user, token=None)
    source = Cart.objects.select_for_update().get(pk=source.pk)
    if source.pk == target.pk or source.user_id is not None or source.status != CartStatus.OPEN:
        return target
    target = _lock(target)
    mine = {line.variant_id: line for line in target.lines.all()}
    incoming = list(source.lines.select_related("variant"))
    available = available_quantities(line.variant_id for line in incoming)
    on_sale = set(
        products_in_shop()
        .filter(pk__in={line.variant.product_id for line in incoming})
        .values_list("pk", flat=True)
    )
    for line in incoming:
        if not line.variant.is_active or line.variant.product_id not in on_sale:
            continue
        have = mine.get(line.variant_id)
        wanted = min(
            line.quantity + (have.quantity if have else 0),
            available.get(line.variant_id, 0),
            MAX_LINE_QUANTITY,
        )
        if wanted <= 0:
            continue
        if have is None:
            if len(mine) >= MAX_LINES:
                break
            mine[line.variant_id] = CartLine.objects.create(
                cart=target, variant=line.variant, quantity=wanted
            )
        elif wanted > have.quantity:
            have.quantity = wanted
            have.save(update_fields=["quantity"])
    source.status = CartStatus.MERGED
    source.save(update_fields=["status", "updated_at"])
    target.save(update_fields=["updated_at"])
    return target


@transaction.atomic
def cart_reorder(*, cart: Cart, variant_quantities: list[tuple[Variant | None, int]]) -> list[str]:
    """Put the goods of an earlier order back in the cart, as many as can be bought now.

    Return what could not be added (gone, or fewer left), for the page to say so.
    """
    skipped: list[str] = []
    for variant, quantity in variant_quantities:
        if variant is None:
            continue
        have = CartLine.objects.filter(cart=cart, variant=variant).first()
        room = min(
            quantity,
            available_quantities([variant.pk]).get(variant.pk, 0) - (have.quantity if have else 0),
            MAX_LINE_QUANTITY - (have.quantity if have else 0),
        )
        if room <= 0:
            skipped.append(str(variant))
            continue
        try:
            cart_add(cart=cart, variant=variant, quantity=room)
        except ApplicationError:
            skipped.append(str(variant))
            continue
        if room < quantity:
            skipped.append(str(variant))
    return skipped
