"""Writes of the clients app: the client record, its contacts and its timeline (M5, M11, M14).

Every other app records what happened with a client through :func:`timeline_record`, in the same
transaction as its own change.
"""

from kramar.clients.services.access import client_require_change
from kramar.clients.services.merge import client_merge
from kramar.clients.services.privacy import (
    Erasure,
    client_data_export,
    client_erase,
    client_list_exported,
    erasure_refusals,
    privacy_part_register,
)
from kramar.clients.services.records import (
    UPDATABLE_FIELDS,
    client_add_email,
    client_add_phone,
    client_assign_manager,
    client_create,
    client_for_guest,
    client_for_shop_user,
    client_set_co_owners,
    client_set_tags,
    client_update,
    clients_assign_manager_bulk,
    fold,
    normalize_email,
    normalize_phone,
    person_display_name,
    shop_customer_register,
)
from kramar.clients.services.recycle_bin import client_delete, client_restore
from kramar.clients.services.saved_views import (
    SAVED_VIEW_FILTERS,
    clean_view_filters,
    saved_view_delete,
    saved_view_save,
)
from kramar.clients.services.timeline import timeline_erase, timeline_record

__all__ = [
    "SAVED_VIEW_FILTERS",
    "UPDATABLE_FIELDS",
    "Erasure",
    "clean_view_filters",
    "client_add_email",
    "client_add_phone",
    "client_assign_manager",
    "client_create",
    "client_data_export",
    "client_delete",
    "client_erase",
    "client_for_guest",
    "client_for_shop_user",
    "client_list_exported",
    "client_merge",
    "client_require_change",
    "client_restore",
    "client_set_co_owners",
    "client_set_tags",
    "client_update",
    "clients_assign_manager_bulk",
    "erasure_refusals",
    "fold",
    "normalize_email",
    "normalize_phone",
    "person_display_name",
    "privacy_part_register",
    "saved_view_delete",
    "saved_view_save",
    "shop_customer_register",
    "timeline_erase",
    "timeline_record",
]
