"""What each role may do with the catalogue. Everyone on the staff reads it; the shop manager
and administrators keep it (products, prices, stock, images, imports)."""

from kramar.accounts.enums import Role

READ = ["catalog.view_product", "catalog.view_productgroup", "catalog.view_stock"]
KEEP = [
    *READ,
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_productgroup",
    "catalog.change_productgroup",
    "catalog.change_stock",
    "catalog.add_productimport",
    "catalog.view_productimport",
    "catalog.view_searchrecord",
]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: KEEP,
    Role.SHOP_MANAGER: KEEP,
    Role.COMPANY_HEAD: [*READ, "catalog.view_searchrecord"],
    Role.HEAD_OF_SALES: READ,
    Role.SALES_MANAGER: READ,
    Role.MARKETING: [*READ, "catalog.view_searchrecord"],
    Role.AFTER_SALES: READ,
    Role.ACCOUNTANT: READ,
}
