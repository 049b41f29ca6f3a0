"""Demo returns: a few delivered orders sent partly back, most accepted (some already paid back
by the accountant, some waiting for the transfer), one rejected, some waiting for a decision.
Written through the services, like real returns, so the orders' histories and the client
timelines show them; no e-mail is sent."""

from __future__ import annotations

from typing import Any

from kramar.accounts.models import User
from kramar.catalog.models import Warehouse
from kramar.orders.enums import OrderStatus
from kramar.orders.models import Order
from kramar.returns.enums import ReturnReason
from kramar.returns.models import GoodsReturn
from kramar.returns.selectors import return_warehouses, shipped_from
from kramar.returns.services import (
    return_accept,
    return_mark_refunded,
    return_reject,
    return_request,
)

RETURNS = {"small": 6, "medium": 30, "large": 120}
# The first returns get these fates, so that even the small demo shows each; later ones draw.
FIRST_FATES = ["requested", "refunded", "accepted", "rejected", "refunded", "requested"]
FATES = ["refunded", "refunded", "refunded", "accepted", "requested", "rejected"]
WORDS = {
    ReturnReason.CHANGED_MIND: ["", "Не підійшов розмір", "Колір на фото інший"],
    ReturnReason.DEFECTIVE: ["Не вмикається", "Тріснув корпус", "Шов розійшовся"],
    ReturnReason.WRONG_ITEM: ["Прийшла інша модель", "Не той колір"],
    ReturnReason.DAMAGED: ["Пом'ята коробка, подряпини", "Розбите скло"],
    ReturnReason.OTHER: ["Подарунок, який не знадобився"],
}
REJECTIONS = [
    "Товар має сліди використання, повернути його як належної якості не можна.",
    "Упаковку пошкоджено покупцем; запропонували обмін.",
]


def work_units(scale_name: str) -> int:
    return RETURNS[scale_name]


def seed(context: Any) -> list[tuple[str, str, str]]:
    wanted = RETURNS[context.scale]
    if GoodsReturn.objects.exists():  # written once; a second run adds nothing
        context.progress(wanted)
        return []
    rng = context.rng_for("returns")
    shop = User.objects.filter(email__startswith="shop@").first()
    service = User.objects.filter(email__startswith="service@").first() or shop
    accountant = User.objects.filter(email__startswith="accountant@").first()
    candidates = list(
        Order.objects.filter(status=OrderStatus.DELIVERED, user__isnull=False)
        .select_related("user")
        .order_by("pk")[: wanted * 20]
    )
    warehouse = return_warehouses().first()
    if not (shop and service and accountant and candidates and warehouse):
        context.progress(wanted)
        return []
    # The demo customer's own order first, so that their account shows a return.
    mine = [order for order in candidates if order.email.startswith("customer@")][:1]
    others = [order for order in candidates if order not in mine]
    chosen = mine + rng.sample(others, min(wanted - len(mine), len(others)))
    for index, order in enumerate(chosen):
        fate = FIRST_FATES[index] if index < len(FIRST_FATES) else rng.choice(FATES)
        _return(rng, order, fate, staff=(shop, service, accountant), fallback=warehouse)
        context.progress(1)
    context.progress(wanted - len(chosen))
    return []


def _return(
    rng: Any, order: Order, fate: str, *, staff: tuple[User, User, User], fallback: Warehouse
) -> None:
    shop, service, accountant = staff
    lines = list(order.lines.order_by("pk"))
    picked = rng.sample(lines, rng.randint(1, len(lines)))
    reason = rng.choice(list(ReturnReason))
    goods_return = return_request(
        user=order.user,  # type: ignore[arg-type]
        order=order,
        lines={line.pk: rng.randint(1, line.quantity) for line in picked},
        reason=reason,
        comment=rng.choice(WORDS[reason]) or ("Інше" if reason == ReturnReason.OTHER else ""),
    )
    decider = rng.choice([shop, service])
    if fate == "rejected":
        return_reject(
            actor=decider, goods_return=goods_return, reason=rng.choice(REJECTIONS), notify=False
        )
    elif fate in {"accepted", "refunded"}:
        code = shipped_from(order)
        warehouse = return_warehouses().filter(code=code).first() or fallback
        return_accept(actor=decider, goods_return=goods_return, warehouse=warehouse, notify=False)
        if fate == "refunded":
            return_mark_refunded(
                actor=accountant,
                goods_return=goods_return,
                note=f"ПН-{rng.randint(1000, 9999)}",
                notify=False,
            )
