"""What each role may do with the accounts app's data (M3, M15).

Every app that declares permissions has a ``roles.py`` with a ``GRANTS`` mapping of role to
``"app_label.codename"`` strings. ``roles_sync`` (accounts.services) collects them from every
installed Kramar app and makes each role's group hold exactly those permissions, no more.
A role not named in an app's GRANTS gets none of that app's permissions.
"""

from kramar.accounts.enums import Role

EVERY_STAFF_MEMBER = ["accounts.access_office", "accounts.use_api_tokens"]
SEE_PEOPLE = ["accounts.view_user", "accounts.view_department"]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [
        *EVERY_STAFF_MEMBER,
        *SEE_PEOPLE,
        "accounts.manage_staff",
        "accounts.view_all_departments",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.add_department",
        "accounts.change_department",
        "accounts.delete_department",
        "accounts.view_apitoken",
        "auth.view_group",
        "core.view_workerheartbeat",
    ],
    Role.COMPANY_HEAD: [*EVERY_STAFF_MEMBER, *SEE_PEOPLE, "accounts.view_all_departments"],
    Role.HEAD_OF_SALES: [*EVERY_STAFF_MEMBER, *SEE_PEOPLE, "accounts.view_own_departments"],
    Role.SALES_MANAGER: [*EVERY_STAFF_MEMBER],
    Role.MARKETING: [*EVERY_STAFF_MEMBER],
    Role.AFTER_SALES: [*EVERY_STAFF_MEMBER],
    Role.ACCOUNTANT: [*EVERY_STAFF_MEMBER],
    Role.SHOP_MANAGER: [*EVERY_STAFF_MEMBER],
}
