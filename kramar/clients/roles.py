"""What each role may do with clients (M3, M14). Row visibility: clients.selectors."""

from kramar.accounts.enums import Role

READ = ["clients.view_client"]
WRITE = [
    *READ,
    "clients.add_client",
    "clients.change_client",
    "clients.delete_client",
    "clients.add_timelineentry",
]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [
        *WRITE,
        "clients.view_all_clients",
        "clients.reassign_client",
        "clients.merge_clients",
        "clients.restore_client",
        # A person's erasure answers their request and cannot be undone: administrators only.
        "clients.erase_client",
        "clients.export_personal_data",
        "clients.add_region",
        "clients.change_region",
        "clients.add_industry",
        "clients.change_industry",
    ],
    Role.COMPANY_HEAD: [*READ, "clients.view_all_clients"],
    Role.HEAD_OF_SALES: [
        *WRITE,
        "clients.export_personal_data",  # a person's request, for the department's clients
        "clients.reassign_client",
        "clients.merge_clients",
        "clients.restore_client",
    ],
    Role.SALES_MANAGER: WRITE,
    # Everyone who deals with clients writes to the same base (M14): marketing and service add
    # notes and contacts to any client; they do not reassign or merge.
    Role.MARKETING: [*READ, "clients.view_all_clients", "clients.add_timelineentry"],
    Role.AFTER_SALES: [*READ, "clients.view_all_clients", "clients.add_timelineentry"],
    Role.ACCOUNTANT: [*READ, "clients.view_all_clients"],
}
