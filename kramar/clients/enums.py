from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class ClientSource(models.TextChoices):
    """Where a client came from (M19: sources are compared in marketing reports)."""

    SITE = "site", _("Web site")
    MANUAL = "manual", _("Entered by staff")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")
    REFERRAL = "referral", _("Referral")
    ADVERTISING = "advertising", _("Advertising")
    EVENT = "event", _("Event or fair")
    IMPORT = "import", _("Import")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("1-9 people")
    SMALL = "small", _("10-49 people")
    MEDIUM = "medium", _("50-249 people")
    LARGE = "large", _("250 people or more")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    WORK = "work", _("Work")
    HOME = "home", _("Home")


class TimelineKind(models.TextChoices):
    """What happened with a client (M8, M11). Contact kinds move the client's last contact."""

    CLIENT_CREATED = "client_created", _("Client created")
    CLIENT_CHANGED = "client_changed", _("Client changed")
    MANAGER_ASSIGNED = "manager_assigned", _("Manager assigned")
    CLIENTS_MERGED = "clients_merged", _("Clients merged")
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL_IN = "email_in", _("E-mail received")
    EMAIL_OUT = "email_out", _("E-mail sent")
    SITE_SESSION = "site_session", _("Visit to the site")
    ORDER = "order", _("Order")
    CASE = "case", _("Service case")
    DEAL = "deal", _("Deal")
    INVOICE = "invoice", _("Invoice")
    PAYMENT = "payment", _("Payment")


# The kinds that are a contact between buyer and seller (M8, M17 "no history for a long time").
CONTACT_KINDS = frozenset(
    {
        TimelineKind.CALL,
        TimelineKind.MEETING,
        TimelineKind.EMAIL_IN,
        TimelineKind.EMAIL_OUT,
        TimelineKind.SITE_SESSION,
        TimelineKind.ORDER,
        TimelineKind.CASE,
    }
)


class ClientsErrorCode(models.TextChoices):
    NAME_REQUIRED = "clients.name_required"
    INVALID_EMAIL = "clients.invalid_email"
    INVALID_PHONE = "clients.invalid_phone"
    EMAIL_ON_CLIENT = "clients.email_already_on_client"
    PHONE_ON_CLIENT = "clients.phone_already_on_client"
    COMPANY_EXPECTED = "clients.company_expected"
    NOT_A_MANAGER = "clients.not_a_manager"
    MERGE_INTO_ITSELF = "clients.merge_into_itself"
    MERGE_KINDS_DIFFER = "clients.merge_kinds_differ"
    MERGE_TWO_ACCOUNTS = "clients.merge_two_accounts"
    ALREADY_MERGED = "clients.already_merged"
    UNKNOWN_FIELD = "clients.unknown_field"
    VIEW_NAME_REQUIRED = "clients.view_name_required"
    VIEW_BAD_FILTER = "clients.view_bad_filter"
    VIEW_LIMIT = "clients.view_limit"
    HAS_SALES = "clients.has_sales"
    MAY_NOT_CHANGE = "clients.may_not_change"
    ERASURE_REFUSED = "clients.erasure_refused"
    ALREADY_ERASED = "clients.already_erased"
    NOT_A_PERSON = "clients.not_a_person"


# The orderings of the client list (selectors.client_list); the first is the default.
CLIENT_LIST_ORDERINGS = ("name", "-name", "last_contact", "-last_contact", "-created")
CLIENT_ROLES = ("customer", "supplier", "partner")
