"""Writes of the personal site: visitors' viewed lists, the similarity tables, personal offers.

Every function is one transaction (CONVENTIONS.md rule 1). The similarity writers are called by
the worker (``personal.tasks``), never by a page.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import client_require_change, timeline_record
from kramar.core.errors import ApplicationError
from kramar.crm.enums import ApprovalKind
from kramar.crm.models import ApprovalRequest
from kramar.crm.services import approval_request_open
from kramar.orders.enums import OrderStatus
from kramar.orders.models import OrderLine
from kramar.personal.enums import PersonalErrorCode, SimilarityKind
from kramar.personal.models import PersonalOffer, ProductSimilarity, ViewBasket
from kramar.personal.similarity import (
    Neighbour,
    baskets_by_occasion,
    co_counts,
    neighbours,
)

RECENT_LIMIT = 20  # products kept in a visitor's recently viewed list
DECIDE = "crm.decide_approvalrequest"
CHANGE_CLIENT = "clients.change_client"

# --- Recently viewed ------------------------------------------------------------------------


def _recent(first: Iterable[int], then: Iterable[int] = ()) -> list[int]:
    seen: list[int] = []
    for product_id in [*first, *then]:
        if product_id not in seen:
            seen.append(int(product_id))
    return seen[:RECENT_LIMIT]


@transaction.atomic
def view_basket_save(*, user: User | None, key: str | None, product_ids: list[int]) -> str | None:
    """Store a visitor's viewed list: the customer's own row, else the session's (by ``key``,
    made when missing). Return the anonymous row's key (None for a signed-in customer)."""
    ids = _recent(product_ids)
    if user is not None:
        ViewBasket.objects.update_or_create(user=user, defaults={"product_ids": ids})
        return None
    try:
        found = uuid.UUID(str(key)) if key else None
    except ValueError:
        found = None
    if found is None or not ViewBasket.objects.filter(key=found, user__isnull=True).update(
        product_ids=ids, updated_at=timezone.now()
    ):
        found = ViewBasket.objects.create(product_ids=ids).key
    return str(found)


@transaction.atomic
def view_basket_merge(*, user: User, key: str | None, product_ids: list[int]) -> list[int]:
    """At sign-in, put the visitor's views first in the customer's stored list; the anonymous
    row goes (its views now count once, in the customer's list). Return the merged list."""
    stored = ViewBasket.objects.select_for_update().filter(user=user).first()
    merged = _recent(product_ids, stored.product_ids if stored else [])
    if key:
        with contextlib.suppress(ValueError):
            ViewBasket.objects.filter(key=uuid.UUID(str(key)), user__isnull=True).delete()
    if stored is None:
        ViewBasket.objects.create(user=user, product_ids=merged)
    elif stored.product_ids != merged:
        stored.product_ids = merged
        stored.save(update_fields=["product_ids", "updated_at"])
    return merged


def view_baskets_forget(*, older_than: timedelta) -> int:
    """Delete anonymous viewed lists not touched for ``older_than`` (customers' stay)."""
    cutoff = timezone.now() - older_than
    deleted, _detail = ViewBasket.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return deleted


# --- Similarity -----------------------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(days=settings.PERSONAL_BASKET_DAYS)


def _bought_baskets(client_ids: Iterable[int] | None = None) -> list[frozenset[int]]:
    """Return the purchase baskets (a client's orders within the window) of all clients or some."""
    lines = OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED).filter(
        variant__isnull=False
    )
    if client_ids is not None:
        lines = lines.filter(order__client_id__in=list(client_ids))
    rows = lines.order_by("order__client_id", "order__placed_at", "order_id").values_list(
        "order__client_id", "order__placed_at", "variant__product_id"
    )
    return baskets_by_occasion(rows.iterator(chunk_size=5000), window=_window())


def _viewed_baskets() -> list[frozenset[int]]:
    lists = ViewBasket.objects.values_list("product_ids", flat=True).iterator(chunk_size=5000)
    return [frozenset(int(i) for i in ids) for ids in lists if len(ids) > 1]


def _table(single, pairs) -> dict[int, list[Neighbour]]:  # type: ignore[no-untyped-def]
    return neighbours(
        single, pairs, min_support=settings.PERSONAL_MIN_SUPPORT, top_k=settings.PERSONAL_TOP_K
    )


@transaction.atomic
def _write(
    kind: SimilarityKind, table: dict[int, list[Neighbour]], products: set[int] | None
) -> int:
    rows = ProductSimilarity.objects.filter(kind=kind)
    (rows if products is None else rows.filter(product_id__in=products)).delete()
    made = ProductSimilarity.objects.bulk_create(
        [
            ProductSimilarity(
                product_id=product, other_id=n.other, kind=kind, score=n.score, support=n.support
            )
            for product, near in table.items()
            if products is None or product in products
            for n in near
        ],
        batch_size=2000,
    )
    return len(made)


def similarity_rebuild(*, kind: SimilarityKind) -> int:
    """Recompute one kind of similarity for the whole catalogue; return the rows written."""
    baskets = _bought_baskets() if kind == SimilarityKind.BOUGHT else _viewed_baskets()
    single, pairs = co_counts(baskets)
    return _write(kind, _table(single, pairs), None)


def similarity_refresh_bought(*, product_ids: Iterable[int]) -> int:
    """Recompute "bought together" of these products exactly, reading only the baskets that
    matter: every basket of the clients who bought them (for the pairs) and of the clients who
    bought any of their partners (for the partners' basket counts)."""
    affected = set(product_ids)
    if not affected:
        return 0
    buyers = _buyers_of(affected)
    baskets = _bought_baskets(buyers)
    partners = set().union(*(b for b in baskets if b & affected)) - affected
    more = _buyers_of(partners) - buyers if partners else set()
    if more:
        baskets += _bought_baskets(more)
    single, pairs = co_counts(baskets, only=affected)
    return _write(SimilarityKind.BOUGHT, _table(single, pairs), affected)


def _buyers_of(products: set[int]) -> set[int]:
    return set(
        OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
        .filter(variant__product_id__in=list(products))
        .values_list("order__client_id", flat=True)
        .distinct()
    )


def products_of_occasion(*, order_id: int) -> set[int]:
    """Return the products of the purchase basket an order belongs to (its client's orders
    within the basket window around it), the products whose "bought together" it changes."""
    own = list(
        OrderLine.objects.filter(order_id=order_id, variant__isnull=False).values_list(
            "order__client_id", "order__placed_at", "variant__product_id"
        )
    )
    if not own:
        return set()
    client_id, placed_at, _product = own[0]
    around = (placed_at - _window(), placed_at + _window())
    return {product for *_rest, product in own} | set(
        OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
        .filter(order__client_id=client_id, order__placed_at__range=around, variant__isnull=False)
        .values_list("variant__product_id", flat=True)
    )


# --- Personal offers --------------------------------------------------------------------------


def _percent(value: Decimal | str | int | None) -> Decimal:
    try:
        percent = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        percent = Decimal("-1")
    if not Decimal("0") <= percent <= Decimal("100"):
        raise ApplicationError(
            PersonalErrorCode.BAD_PERCENT,
            _("A discount is between 0 and 100 percent."),
            extra={"field": "percent"},
        )
    return percent


@transaction.atomic
def offer_set(
    *,
    actor: User,
    client: Client,
    percent: Decimal | str | int | None,
    message: str,
    valid_until: date,
) -> ApprovalRequest | None:
    """Give a client a personal offer (M7): a discount up to the approval limit (any for a
    head) applies at once; above it the offer keeps its approved discount, and the new one waits
    for a head (an approval request). Return the request when one was opened."""
    client_require_change(actor=actor, client=client, permission=CHANGE_CLIENT)
    percent = _percent(percent)
    message = (message or "").strip()[:300]
    if valid_until < timezone.localdate():
        raise ApplicationError(
            PersonalErrorCode.BAD_DATE,
            _("An offer cannot end in the past."),
            extra={"field": "valid_until"},
        )
    if not percent and not message:
        raise ApplicationError(
            PersonalErrorCode.EMPTY_OFFER,
            _("An offer needs a discount or a message."),
            extra={"field": "percent"},
        )
    offer = PersonalOffer.objects.select_for_update().filter(client=client).first()
    previous = offer.discount_percent if offer else Decimal("0")
    offer = offer or PersonalOffer(client=client, valid_until=valid_until)
    offer.message, offer.valid_until, offer.set_by = message, valid_until, actor
    limit = Decimal(settings.CRM_DISCOUNT_APPROVAL_ABOVE)
    needs_head = percent > limit and percent > previous and not actor.has_perm(DECIDE)
    if needs_head:
        offer.pending_percent = percent
    else:
        offer.discount_percent, offer.pending_percent = percent, None
    offer.save()
    timeline_record(
        client=client,
        kind=TimelineKind.NOTE,
        actor=actor,
        source=client,
        summary=_("Personal offer: %(percent)s%% until %(date)s%(waiting)s")
        % {
            "percent": offer.discount_percent,
            "date": valid_until.isoformat(),
            "waiting": _(" (%(percent)s%% waits for approval)") % {"percent": percent}
            if needs_head
            else "",
        },
        contact=False,
    )
    if not needs_head:
        return None
    return approval_request_open(
        actor=actor,
        kind=ApprovalKind.PERSONAL_OFFER,
        client=client,
        department=client.department,
        value=percent,
        previous_value=previous,
        note=message,
    )


@transaction.atomic
def offer_remove(*, actor: User, client: Client) -> bool:
    """Take a client's personal offer away; return whether there was one."""
    client_require_change(actor=actor, client=client, permission=CHANGE_CLIENT)
    offer = PersonalOffer.objects.filter(client=client).first()
    if offer is None:
        return False
    offer.delete()
    timeline_record(
        client=client, kind=TimelineKind.NOTE, actor=actor, source=client,
        summary=_("Personal offer withdrawn"), contact=False,
    )  # fmt: skip
    return True


def offer_apply_approved(actor: User, request: ApprovalRequest) -> None:
    """The CRM's applier of an approved offer discount (registered in PersonalConfig.ready)."""
    offer = PersonalOffer.objects.select_for_update().filter(client_id=request.client_id).first()
    if offer is None:
        from kramar.crm.enums import CrmErrorCode

        raise ApplicationError(CrmErrorCode.NO_APPLIER, _("The offer is gone."), status=409)
    offer.discount_percent, offer.pending_percent = request.value, None
    offer.save(update_fields=["discount_percent", "pending_percent", "updated_at"])
