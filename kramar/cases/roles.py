"""What each role may do with service cases (M3, M14). Row visibility: cases.selectors."""

from kramar.accounts.enums import Role

READ = ["cases.view_servicecase"]
OPEN = [*READ, "cases.add_servicecase"]
WORK = [*OPEN, "cases.change_servicecase"]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [*WORK, "cases.delete_servicecase", "cases.view_all_cases"],
    Role.COMPANY_HEAD: [*READ, "cases.view_all_cases"],
    Role.AFTER_SALES: [*WORK, "cases.view_all_cases"],
    # Sales logs a complaint that a client tells them; the service works it (M14).
    Role.HEAD_OF_SALES: OPEN,
    Role.SALES_MANAGER: OPEN,
    Role.MARKETING: READ,
    Role.ACCOUNTANT: READ,
}
