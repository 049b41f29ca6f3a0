"""What each role may do with letters to and from clients (M3, M8, M14).

Rows: a letter is read by whoever may see its client (mail.selectors). Writing to a client is
for the people who deal with them one to one: sales, the after-sales service and
administrators. Marketing reads the correspondence but does not write personal letters from
the CRM: its mailings will have their own consent rules (the marketing issue). The company
head and accounting read.

Quarantined letters (no client: unreadable, automatic, from our own or a staff address) are
sorted by administrators and heads of sales (``mail.manage_quarantine``): a letter from a
stranger may be a lead that the sales department must not lose, and the heads are who hand out
leads (M15); they can file a letter only on a client they see. The shared mailbox is read by
the sales people in their mail programs anyway, so the quarantine hides nothing from them that
the mailbox does not show.
"""

from kramar.accounts.enums import Role

READ = ["mail.view_mailmessage", "mail.view_mailtemplate"]
WRITE = [*READ, "mail.add_mailmessage"]
TEMPLATES = ["mail.add_mailtemplate", "mail.change_mailtemplate", "mail.delete_mailtemplate"]
QUARANTINE = ["mail.manage_quarantine"]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [*WRITE, *TEMPLATES, *QUARANTINE, "mail.view_mailboxcursor"],
    Role.COMPANY_HEAD: READ,
    Role.HEAD_OF_SALES: [*WRITE, *TEMPLATES, *QUARANTINE],
    Role.SALES_MANAGER: WRITE,
    Role.AFTER_SALES: WRITE,
    Role.MARKETING: READ,
    Role.ACCOUNTANT: READ,
}
