"""Writes of the site tracking (CONVENTIONS.md rule 1)."""

from kramar.tracking.services.attribution import deal_touch_record, order_touch_record
from kramar.tracking.services.carts import abandoned_carts_follow_up, cart_follow_up
from kramar.tracking.services.events import (
    client_touch_refresh,
    events_flush,
    events_write,
    visitor_identify,
)
from kramar.tracking.services.leads import web_form_submit
from kramar.tracking.services.privacy import (
    client_site_data_erase,
    client_site_data_export,
    events_purge,
)
from kramar.tracking.services.sessions import sessions_fold

__all__ = [
    "abandoned_carts_follow_up",
    "cart_follow_up",
    "client_site_data_erase",
    "client_site_data_export",
    "client_touch_refresh",
    "deal_touch_record",
    "events_flush",
    "events_purge",
    "events_write",
    "order_touch_record",
    "sessions_fold",
    "visitor_identify",
    "web_form_submit",
]
