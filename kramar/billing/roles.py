"""What each role may do with billing (M3, M15, M17). Rows: billing.selectors.invoices_visible_to.

The accountant keeps invoices, payments, statements and credit limits; sales managers see their
own clients' invoices and issue from their won deals; a head of sales sees their departments';
the company head sees everything and changes nothing; marketing, the after-sales service and the
shop manager see no money owed.
"""

from kramar.accounts.enums import Role

VIEW = ["billing.view_invoice", "billing.view_creditnote", "billing.view_debtors"]
ACCOUNTING = [
    *VIEW,
    "billing.add_invoice",
    "billing.change_invoice",
    "billing.view_all_invoices",
    "billing.issue_from_deal",
    "billing.add_creditnote",
    "billing.view_incomingpayment",
    "billing.add_incomingpayment",
    "billing.change_incomingpayment",
    "billing.view_statement",
    "billing.add_statement",
    "billing.change_statementline",
    "billing.view_creditlimit",
    "billing.change_creditlimit",
]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: ACCOUNTING,
    Role.ACCOUNTANT: ACCOUNTING,
    Role.COMPANY_HEAD: [
        *VIEW,
        "billing.view_all_invoices",
        "billing.view_incomingpayment",
        "billing.view_statement",
        "billing.view_creditlimit",
    ],
    Role.HEAD_OF_SALES: [*VIEW, "billing.issue_from_deal", "billing.view_creditlimit"],
    Role.SALES_MANAGER: [*VIEW, "billing.issue_from_deal", "billing.view_creditlimit"],
}
