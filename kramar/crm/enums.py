from django.db import models
from django.utils.translation import gettext_lazy as _

from kramar.clients.enums import TimelineKind


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class DealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class ApprovalKind(models.TextChoices):
    """What needs a head's approval above a limit (M3, M15; docs/security.md)."""

    DISCOUNT = "discount", _("Discount above the limit")
    CREDIT_LIMIT = "credit_limit", _("Credit limit above the limit")
    PERSONAL_OFFER = "personal_offer", _("Personal offer discount above the limit")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Replaced by a newer request")


class LeadChannel(models.TextChoices):
    """Where a new lead came from, for the assignment rules (docs/tracking.md, "Assignment").

    The web form kinds are the values of ``tracking.enums.WebFormKind`` (a test keeps them
    equal): tracking sits above the CRM and passes its form kind as the channel.
    """

    CONTACT = "contact", _("Contact us")
    CALLBACK = "callback", _("Call-back request")
    QUOTE = "quote", _("Wholesale quote request")
    QUESTION = "question", _("Question about a product")
    EMAIL = "email", _("E-mail")


# The ``Deal.source`` of the deals the channels open as leads: the web forms' and the e-mail's.
# Among equally loaded managers the one whose last lead of any channel is oldest gets the next.
LEAD_DEAL_SOURCES = ("site-form", "email")


class CriterionKind(models.TextChoices):
    ACTIVITY_DONE = "activity_done", _("An activity of a kind is done in this stage")
    FIELD_FILLED = "field_filled", _("A field of the deal is filled in")


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    TASK = "task", _("Task")
    OFFER = "offer", _("Commercial offer")


# What a completed activity of each kind is on the client's timeline.
TIMELINE_KIND = {
    ActivityKind.CALL: TimelineKind.CALL,
    ActivityKind.MEETING: TimelineKind.MEETING,
    ActivityKind.EMAIL: TimelineKind.EMAIL_OUT,
    ActivityKind.TASK: TimelineKind.NOTE,
    ActivityKind.OFFER: TimelineKind.EMAIL_OUT,
}

# The deal fields an exit criterion may require.
DEAL_CRITERION_FIELDS = ("amount", "expected_close_date", "probability", "description")


class CrmErrorCode(models.TextChoices):
    EXIT_CRITERIA_UNMET = "crm.exit_criteria_unmet"
    OVERRIDE_NEEDS_REASON = "crm.override_needs_reason"
    OVERRIDE_NOT_ALLOWED = "crm.override_not_allowed"
    STAGE_OF_OTHER_PIPELINE = "crm.stage_of_other_pipeline"
    DEAL_CLOSED = "crm.deal_closed"
    LOST_NEEDS_REASON = "crm.lost_needs_reason"
    USE_MARK_LOST = "crm.use_mark_lost"
    SAME_STAGE = "crm.same_stage"
    NO_OPEN_STAGE = "crm.no_open_stage"
    PIPELINE_HAS_NO_LOST_STAGE = "crm.pipeline_has_no_lost_stage"
    RESULT_REQUIRED = "crm.result_required"
    OUTCOME_NOT_FOR_KIND = "crm.outcome_not_for_kind"
    ACTIVITY_DONE = "crm.activity_already_done"
    DEAL_OF_OTHER_CLIENT = "crm.deal_of_other_client"
    NOT_STAFF = "crm.owner_not_staff"
    INVALID_AMOUNT = "crm.invalid_amount"
    UNKNOWN_FIELD = "crm.unknown_field"
    FIELD_NEEDS_HEAD = "crm.field_needs_head_of_sales"
    MAY_NOT_CHANGE = "crm.may_not_change"
    MANAGER_OUTSIDE_DEPARTMENTS = "crm.manager_outside_departments"
    INVALID_DISCOUNT = "crm.invalid_discount"
    APPROVAL_DECIDED = "crm.approval_already_decided"
    APPROVAL_NOT_FOUND = "crm.approval_not_found"
    NO_APPLIER = "crm.approval_kind_not_handled"
    LEAD_RULE_NOT_FOUND = "crm.lead_rule_not_found"
    LEAD_RULE_TARGET = "crm.lead_rule_needs_one_target"
    LEAD_RULE_MANAGER = "crm.lead_rule_manager_not_sales"
    LEAD_RULE_DEPARTMENT = "crm.lead_rule_department_not_sales"
    LEAD_RULE_CHANNEL = "crm.lead_rule_unknown_channel"
