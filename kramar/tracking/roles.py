"""What each role may do with what the site recorded of clients (M3, M6).

Everyone who sees a client sees its visits on the card (clients.selectors decide the rows).
Exporting and erasing a client's site data answer a person's privacy request: heads of sales
(for their departments' clients) and administrators; erasure only administrators. Lead rules
are the CRM's now (crm.roles).
"""

from kramar.accounts.enums import Role

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [
        "tracking.export_site_data",
        "tracking.erase_site_data",
    ],
    Role.HEAD_OF_SALES: ["tracking.export_site_data"],
}
