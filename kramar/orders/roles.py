"""What each role may do with orders. Rows: orders.selectors.orders_visible_to."""

from kramar.accounts.enums import Role

READ = ["orders.view_order"]
KEEP = [*READ, "orders.change_order", "orders.view_all_orders"]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: KEEP,
    Role.SHOP_MANAGER: KEEP,
    Role.COMPANY_HEAD: [*READ, "orders.view_all_orders"],
    Role.HEAD_OF_SALES: READ,
    Role.SALES_MANAGER: READ,
    Role.MARKETING: [*READ, "orders.view_all_orders"],
    Role.AFTER_SALES: [*READ, "orders.view_all_orders"],
    Role.ACCOUNTANT: [*READ, "orders.view_all_orders"],
}
