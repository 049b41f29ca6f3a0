"""Reads of the cart: what it holds, priced now from the catalogue, with what cannot be bought."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.db.models import QuerySet

from kramar.accounts.models import User
from kramar.cart.adjustments import CartDiscount, cart_discount, discounted
from kramar.cart.enums import CartStatus
from kramar.cart.models import Cart, CartLine
from kramar.catalog.models import Variant
from kramar.catalog.pricing import vat_in
from kramar.catalog.selectors import available_quantities, products_in_shop
from kramar.core.money import quantize


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    variant: Variant
    quantity: int
    unit_price: Decimal
    total: Decimal
    vat: Decimal
    available: int
    for_sale: bool
    list_price: Decimal | None = None  # the catalogue's price when a discount lowered it

    @property
    def problem(self) -> str:
        """Return "gone", "short" or "" (the line can be bought as it is)."""
        if not self.for_sale or self.available == 0:
            return "gone"
        if self.quantity > self.available:
            return "short"
        return ""


@dataclass(frozen=True)
class PricedCart:
    cart: Cart | None
    lines: list[PricedLine] = field(default_factory=list)
    discount: CartDiscount | None = None

    @property
    def saving(self) -> Decimal:
        """Return how much the discount takes off the catalogue's prices."""
        listed = sum(
            (quantize((line.list_price or line.unit_price) * line.quantity) for line in self.lines),
            Decimal("0"),
        )
        return quantize(listed - self.subtotal)

    @property
    def subtotal(self) -> Decimal:
        return quantize(sum((line.total for line in self.lines), Decimal("0")))

    @property
    def vat(self) -> Decimal:
        return quantize(sum((line.vat for line in self.lines), Decimal("0")))

    @property
    def items(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def can_check_out(self) -> bool:
        return bool(self.lines) and not any(line.problem for line in self.lines)


def open_cart(*, user: User | None, token: str | UUID | None) -> Cart | None:
    """Return the open cart of a signed-in customer, else the session's open cart, else None."""
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user, status=CartStatus.OPEN).first()
    if not token:
        return None
    try:
        key = UUID(str(token))
    except ValueError:
        return None
    return Cart.objects.filter(token=key, user__isnull=True, status=CartStatus.OPEN).first()


def cart_lines(cart: Cart) -> QuerySet[CartLine]:
    return cart.lines.select_related("variant__product__group").prefetch_related(
        "variant__product__images"
    )


def cart_priced(cart: Cart | None) -> PricedCart:
    """Return the cart with today's prices and stock (three queries, however many lines), less
    the largest discount an adjuster gives (``cart.adjustments``; a query for a customer's)."""
    if cart is None:
        return PricedCart(cart=None)
    lines = list(cart_lines(cart))
    discount = cart_discount(cart) if lines else None
    available = available_quantities(line.variant_id for line in lines)
    on_sale = set(
        products_in_shop()
        .filter(pk__in={line.variant.product_id for line in lines})
        .values_list("pk", flat=True)
    )
    priced = []
    for line in lines:
        variant = line.variant
        unit_price = discounted(variant.price, discount)
        total = quantize(unit_price * line.quantity)
        priced.append(
            PricedLine(
                line=line,
                variant=variant,
                quantity=line.quantity,
                unit_price=unit_price,
                total=total,
                vat=vat_in(total, variant.product.vat_rate),
                available=available.get(variant.pk, 0),
                for_sale=variant.is_active and variant.product_id in on_sale,
                list_price=variant.price if unit_price != variant.price else None,
            )
        )
    return PricedCart(cart=cart, lines=priced, discount=discount)
