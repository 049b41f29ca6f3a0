"""What each role may do with deals and activities (M3, M14, M15)."""

from kramar.accounts.enums import Role

DEALS = [
    "crm.view_deal",
    "crm.add_deal",
    "crm.change_deal",
    "crm.delete_deal",
    "crm.view_approvalrequest",
]
ACTIVITIES = ["crm.view_activity", "crm.add_activity", "crm.change_activity"]
SETUP = [
    f"crm.{action}_{model}"
    for model in (
        "pipeline",
        "stage",
        "exitcriterion",
        "lostreason",
        "activityoutcome",
        "plantemplate",
        "plantemplatestep",
    )
    for action in ("view", "add", "change", "delete")
]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [
        *DEALS,
        *ACTIVITIES,
        *SETUP,
        "crm.view_all_deals",
        "crm.override_exit_criteria",
        "crm.reassign_deal",
        "crm.restore_deal",
        "crm.decide_approvalrequest",
        "crm.view_approvalrequest",
    ],
    Role.COMPANY_HEAD: ["crm.view_deal", "crm.view_activity", "crm.view_all_deals"],
    Role.HEAD_OF_SALES: [
        *DEALS,
        *ACTIVITIES,
        "crm.override_exit_criteria",
        "crm.reassign_deal",
        "crm.restore_deal",
        "crm.decide_approvalrequest",
        "crm.view_approvalrequest",
    ],
    Role.SALES_MANAGER: [*DEALS, *ACTIVITIES],
    # Marketing and service plan and do their own work with clients; they do not touch deals.
    Role.MARKETING: ACTIVITIES,
    Role.AFTER_SALES: ACTIVITIES,
    Role.ACCOUNTANT: ["crm.view_deal", "crm.view_activity", "crm.view_all_deals"],
}
