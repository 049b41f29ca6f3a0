"""Listeners of an order's money events, for apps above orders (billing keeps invoices in step).

Orders may not import the apps above them (CONVENTIONS.md rule 4), yet billing must learn that a
bank-transfer order was placed (it needs an invoice) or a card order was paid (that is a payment
on the order's invoice). An app registers a listener in its ``AppConfig.ready``; orders call the
listeners after the transaction commits, with the order's id and what happened. A listener only
enqueues its own background work: it decides nothing here and cannot break a checkout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

OrderListener = Callable[[int, str], None]
_listeners: list[OrderListener] = []

PLACED, PAID, CANCELLED, REFUNDED = "placed", "paid", "cancelled", "refunded"


def order_listener_add(listener: OrderListener) -> None:
    """Call ``listener(order_id, event)`` after every committed order money event (once each)."""
    if listener not in _listeners:
        _listeners.append(listener)


def order_listeners_notify(*, order_id: int, event: str) -> None:
    """Tell every listener, once the current transaction commits, that ``event`` happened."""

    def notify() -> None:
        for listener in list(_listeners):
            try:
                listener(order_id, event)
            except Exception:  # a listener's failure never undoes the order's committed change
                logger.exception("order listener %r failed for order %s", listener, order_id)

    transaction.on_commit(notify)
