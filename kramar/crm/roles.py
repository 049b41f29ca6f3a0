"""What each role may do with deals and activities (M3, M14, M15).

Lead rules decide who gets every new lead (web forms, e-mail): administrators and heads of
sales keep them at /office/lead-rules/ (the head manages the sales force, M15); the company
head reads them. One routing table for the company, so a head is not limited to rules of their
own departments: every change is in the audit trail.
"""

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
LEAD_RULES = [f"crm.{action}_leadrule" for action in ("view", "add", "change", "delete")]

GRANTS: dict[Role, list[str]] = {
    Role.ADMINISTRATOR: [
        *DEALS,
        *ACTIVITIES,
        *SETUP,
        *LEAD_RULES,
        "crm.view_all_deals",
        "crm.override_exit_criteria",
        "crm.reassign_deal",
        "crm.restore_deal",
        "crm.decide_approvalrequest",
        "crm.view_approvalrequest",
    ],
    Role.COMPANY_HEAD: [
        "crm.view_deal",
        "crm.view_activity",
        "crm.view_all_deals",
        "crm.view_leadrule",
    ],
    Role.HEAD_OF_SALES: [
        *DEALS,
        *ACTIVITIES,
        *LEAD_RULES,
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
