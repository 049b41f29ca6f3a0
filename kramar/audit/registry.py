"""Which business records are audited (M3), and how. A test checks that every model of a Kramar
app is either here or in ``NOT_AUDITED`` with the reason, so a new model cannot slip past."""

from kramar.audit.capture import Audited

STAMPS = frozenset({"created_at", "updated_at"})

AUDITED: list[Audited] = [
    Audited(
        "accounts.User",
        exclude=frozenset({"last_login"}),
        secret=frozenset({"password"}),
        m2m=("groups", "user_permissions"),
    ),
    Audited("accounts.Department", exclude=STAMPS, m2m=("heads",)),
    Audited(
        "accounts.ApiToken", secret=frozenset({"token_hash"}), exclude=frozenset({"last_used_at"})
    ),
    # Switching codes on (confirmed_at) and off (the delete), and lock-outs (locked_until); each
    # accepted code is the sign-in row, each refused one a sign_in_code_failed row.
    Audited(
        "accounts.TotpDevice",
        secret=frozenset({"secret"}),
        exclude=frozenset({"last_used_step", "failed_attempts"}),
    ),
    # Made (ten at a time), used (used_at) and replaced (deleted): never the code itself.
    Audited("accounts.RecoveryCode", secret=frozenset({"code_hash"})),
    Audited(
        "clients.Client",
        exclude=STAMPS | {"name_key", "search_text", "last_contact_at"},
        m2m=("tags", "co_owners"),
        revertible=frozenset(
            {
                "name",
                "first_name",
                "middle_name",
                "last_name",
                "legal_name",
                "registration_code",
                "size",
                "job_title",
                "industry",
                "region",
                "source",
                "notes",
                "is_customer",
                "is_supplier",
                "is_partner",
            }
        ),
    ),
    Audited("clients.ClientEmail"),
    Audited("clients.ClientPhone"),
    Audited(
        "crm.Deal",
        exclude=STAMPS,
        revertible=frozenset(
            {"title", "amount", "expected_close_date", "probability", "description", "source"}
        ),
    ),
    Audited("crm.Activity", exclude=STAMPS),
    Audited("crm.ApprovalRequest", exclude=STAMPS),
    Audited("cases.ServiceCase", exclude=STAMPS),
    Audited("catalog.Product", exclude=STAMPS | {"search_document", "price_from"}),
    Audited("catalog.Variant", exclude=STAMPS),
    # What is promised to orders moves with every checkout; the allocations are order events.
    Audited("catalog.Stock", exclude=frozenset({"allocated"})),
    Audited(
        "orders.Order",
        exclude=STAMPS | {"checkout_key"},
        secret=frozenset({"token"}),
    ),
    Audited("orders.OrderLine"),
    Audited("payments.Payment", exclude=STAMPS | {"redirect_url"}),
    Audited("returns.GoodsReturn", exclude=STAMPS | {"refund_key"}),
    Audited("returns.ReturnLine"),
    Audited("mail.MailTemplate"),
    Audited("billing.Invoice", exclude=STAMPS),
    Audited("billing.InvoiceLine"),
    Audited("billing.CreditNote", exclude=STAMPS),
    Audited("billing.CreditNoteLine"),
    Audited("billing.IncomingPayment", exclude=STAMPS),
    Audited("billing.Allocation"),
    Audited("billing.CreditLimit"),
    # A manager's discount for a client (M7): who set what, and the head's approval of it.
    Audited("personal.PersonalOffer", exclude=STAMPS),
    # Who gets the new leads (web forms, e-mail): a change moves work between people.
    Audited("crm.LeadRule"),
]

# A model that moved to another app: the trail is append-only, so its earlier rows keep the old
# label; a record's history reads them too (new label -> old labels, lower case).
FORMER_LABELS: dict[str, tuple[str, ...]] = {"crm.leadrule": ("tracking.leadrule",)}

NOT_AUDITED: dict[str, str] = {
    "audit.AuditEntry": "the trail itself",
    "clients.TimelineEntry": "the timeline is itself a history, written only by services",
    "clients.SavedView": "a person's own list filters, not business data",
    "clients.Region": "reference data kept by administrators in /admin/",
    "clients.Industry": "reference data kept by administrators in /admin/",
    "clients.Tag": "labels; attaching one to a client is audited on the client",
    "notifications.Notification": "a message to a person, itself a record of an event",
    "core.WorkerHeartbeat": "technical",
    "core.RecurringJob": "technical",
    "catalog.ProductGroup": "the catalogue's shape; product changes are audited",
    "catalog.Attribute": "the catalogue's shape",
    "catalog.AttributeValue": "the catalogue's shape",
    "catalog.Warehouse": "reference data",
    "catalog.ProductImage": "pictures; files only",
    "catalog.SearchRecord": "tracking data, not a business record",
    "catalog.ProductImport": "an import job; the rows it changes are audited one by one",
    "catalog.WishlistItem": "a customer's own list",
    "catalog.StockAlert": "a customer's own request to be told",
    "cart.Cart": "a visitor's cart before it is an order",
    "cart.CartLine": "a visitor's cart before it is an order",
    "orders.DeliveryMethod": "reference data",
    "orders.Allocation": "stock promised to an order; recorded as order events",
    "orders.OrderEvent": "the order's own history",
    "payments.WebhookEvent": "the provider's raw messages, kept as received",
    "payments.SandboxCharge": "the development card sandbox",
    "payments.SandboxRefund": "the development card sandbox",
    "crm.Pipeline": "set-up kept by administrators",
    "crm.Stage": "set-up kept by administrators",
    "crm.ExitCriterion": "set-up kept by administrators",
    "crm.LostReason": "set-up kept by administrators",
    "crm.ActivityOutcome": "set-up kept by administrators",
    "crm.PlanTemplate": "set-up kept by administrators",
    "crm.PlanTemplateStep": "set-up kept by administrators",
    "crm.DealStageChange": "the deal's own stage history",
    "cases.CaseEvent": "the case's own history",
    "billing.NumberCounter": "the gapless numbering's counters; each number is on its invoice",
    "billing.Statement": "a bank statement file as received; its payments are audited",
    "billing.StatementLine": "a statement's raw lines; matching writes audited payments",
    "billing.DunningNotice": "a reminder sent once per step, itself a record of the e-mail",
    "mail.MailMessage": "a letter is itself the record of a contact, on the client's timeline",
    "mail.MailAttachment": "part of its letter",
    "mail.MailboxCursor": "technical: how far the mailbox was read",
    "personal.ViewBasket": "a visitor's recently viewed list, browsing data, not a record",
    "personal.ProductSimilarity": "derived: recomputed from orders and views by the worker",
    "personal.SimilarityCursor": "technical: how far the worker's refresh read the viewed lists",
    "tracking.Visitor": "behaviour data, erased on request; export and erasure are trail rows",
    "tracking.Event": "behaviour data in bulk, purged after TRACKING_RETENTION_DAYS",
    "tracking.SiteSession": "a summary of events, on the client's timeline",
    "tracking.ClientTouch": "derived from the events (first and last touch)",
    "tracking.DealTouch": "derived from the events, written once when the site opens a lead",
    "tracking.OrderTouch": "derived from the events, written once when the site takes an order",
    "tracking.WebFormSubmission": "a form as received; the client, deal and activity are audited",
    "tracking.CartFollowUp": "a once-per-cart marker; the activity it plans is audited",
}
