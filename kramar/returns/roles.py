"""What each role may do with returns (M3, M14). Rows: returns.selectors.returns_visible_to (the
returns of the orders a person may see).

The shop manager and the after-sales service decide (accept into a warehouse, or reject with a
reason); the accountant pays bank-transfer refunds back and marks them; everyone else who sees
orders may look.
"""

from kramar.accounts.enums import Role

VIEW = ["returns.view_goodsreturn"]
DECIDE = [*VIEW, "returns.decide_goodsreturn"]
MARK_REFUNDED = [*VIEW, "returns.refund_goodsreturn"]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [*DECIDE, "returns.refund_goodsreturn"],
    Role.SHOP_MANAGER: DECIDE,
    Role.AFTER_SALES: DECIDE,
    Role.ACCOUNTANT: MARK_REFUNDED,
    Role.COMPANY_HEAD: VIEW,
    Role.HEAD_OF_SALES: VIEW,
    Role.SALES_MANAGER: VIEW,
    Role.MARKETING: VIEW,
}
