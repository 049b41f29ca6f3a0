"""Writes of the CRM: deals through their stages (M2, M16), their records and access (M3),
activities with results (M1, M13), and who gets each new lead (M6, M8, M12)."""

from kramar.crm.services.activities import (
    NextStep,
    activity_complete,
    activity_complete_with_next_step,
    activity_plan,
    plan_template_apply,
)
from kramar.crm.services.approvals import (
    approval_applier_register,
    approval_decide,
    approval_request_open,
    deal_set_discount,
)
from kramar.crm.services.assignment import (
    LeadAssignment,
    lead_assignment,
    lead_manager_for,
    lead_rule_create,
    lead_rule_delete,
    lead_rule_move,
    lead_rule_update,
)
from kramar.crm.services.deals import deal_create, deal_mark_lost, deal_move_stage
from kramar.crm.services.records import (
    deal_delete,
    deal_reassign,
    deal_require_change,
    deal_restore,
    deal_update,
)

__all__ = [
    "LeadAssignment",
    "NextStep",
    "activity_complete",
    "activity_complete_with_next_step",
    "activity_plan",
    "approval_applier_register",
    "approval_decide",
    "approval_request_open",
    "deal_create",
    "deal_delete",
    "deal_mark_lost",
    "deal_move_stage",
    "deal_reassign",
    "deal_require_change",
    "deal_restore",
    "deal_set_discount",
    "deal_update",
    "lead_assignment",
    "lead_manager_for",
    "lead_rule_create",
    "lead_rule_delete",
    "lead_rule_move",
    "lead_rule_update",
    "plan_template_apply",
]
