"""What each role may do with the accounts app's data (M3, M15).

Every app that declares permissions has a ``roles.py`` with a ``GRANTS`` mapping of role to
``"app_label.codename"`` strings. ``roles_sync`` (accounts.services) collects them from every
installed Kramar app and makes each role's group hold exactly those permissions, no more.
A role not named in an app's GRANTS gets none of that app's permissions.
"""

from kramar.accounts.enums import Role

EVERY_STAFF_MEMBER = ["accounts.access_office", "accounts.use_api_tokens"]
# The audit trail (kramar.audit sits below accounts, so its grants live here): everyone reads
# the history of the records they see; the whole trail is for administrators and the company
# head, heads of sales read their departments' people's rows; those who change records may
# revert a change (the owning service still checks the right to the record).
AUDIT_TRAIL = ["audit.view_auditentry"]
WHOLE_AUDIT_TRAIL = [*AUDIT_TRAIL, "audit.view_all_audit"]
REVERT = ["audit.revert_change"]
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
        *WHOLE_AUDIT_TRAIL,
        *REVERT,
    ],
    Role.COMPANY_HEAD: [
        *EVERY_STAFF_MEMBER,
        *SEE_PEOPLE,
        "accounts.view_all_departments",
        *WHOLE_AUDIT_TRAIL,
    ],
    Role.HEAD_OF_SALES: [
        *EVERY_STAFF_MEMBER,
        *SEE_PEOPLE,
        "accounts.view_own_departments",
        *AUDIT_TRAIL,
        *REVERT,
    ],
    Role.SALES_MANAGER: [*EVERY_STAFF_MEMBER, *REVERT],
    Role.MARKETING: [*EVERY_STAFF_MEMBER],
    Role.AFTER_SALES: [*EVERY_STAFF_MEMBER],
    Role.ACCOUNTANT: [*EVERY_STAFF_MEMBER],
    Role.SHOP_MANAGER: [*EVERY_STAFF_MEMBER],
}
