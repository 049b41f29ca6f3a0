"""The permission matrix (M3, M15): every role against every API operation and back-office page
that touches business data, with a record the role owns, one of its department and one outside.

The expected answers are written here from the rules of issue 5 (docs/security.md), not read
from the code's grants: ``RIGHTS`` says which roles may do an action at all (else 403) and
``SEES`` which records each role sees (else 404, so existence does not leak). A denied request
must leave the audit trail as it was, i.e. change nothing. An allowed one must pass the gate
(no 401/403/404, no 5xx); what it does is proven by each app's own tests.

Every operation of the OpenAPI schema and every back-office URL must have an entry in
``API`` / ``OFFICE`` (or in ``NOT_BUSINESS_DATA`` with the reason): a new endpoint without one
makes ``test_every_endpoint_is_in_the_matrix`` fail.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from config.api import api as ninja_api
from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.services import api_token_create
from kramar.accounts.tests.factories import CustomerFactory, DepartmentFactory
from kramar.audit import context
from kramar.audit.models import AuditEntry
from kramar.billing.services import (
    credit_note_issue,
    invoice_create,
    invoice_issue,
    payment_record,
    statement_import,
)
from kramar.billing.services.lines import LineIn
from kramar.cart.services import cart_add, cart_open
from kramar.cases.services import case_open
from kramar.catalog.models import ProductImport
from kramar.catalog.services import product_image_add
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.services import client_assign_manager, client_delete, saved_view_save
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.models import ActivityOutcome, LostReason, Pipeline, PlanTemplate
from kramar.crm.services import (
    activity_plan,
    deal_create,
    deal_delete,
    deal_set_discount,
    deal_update,
    lead_rule_create,
)
from kramar.mail.enums import MailStatus
from kramar.mail.models import MailMessage
from kramar.mail.services import mail_import, mail_quarantine, mail_send
from kramar.returns.services import return_request
from kramar.returns.tests.support import delivered_order

pytestmark = pytest.mark.django_db

SM, HEAD, CH, MKT, AS, ACC, SHOP, ADMIN = (
    Role.SALES_MANAGER,
    Role.HEAD_OF_SALES,
    Role.COMPANY_HEAD,
    Role.MARKETING,
    Role.AFTER_SALES,
    Role.ACCOUNTANT,
    Role.SHOP_MANAGER,
    Role.ADMINISTRATOR,
)
STAFF = {SM, HEAD, CH, MKT, AS, ACC, SHOP, ADMIN}
ROLES = ["anonymous", "customer", *sorted(STAFF)]
RELATIONS = ("own", "dept", "outside")

# --- The rules of issue 5, written out -----------------------------------------------------------

RIGHTS: dict[str, set[str]] = {
    "office": STAFF,
    "client.view": {SM, HEAD, CH, MKT, AS, ACC, ADMIN},
    "client.add": {SM, HEAD, ADMIN},
    "client.change": {SM, HEAD, ADMIN},
    "client.note": {SM, HEAD, MKT, AS, ADMIN},
    "client.delete": {SM, HEAD, ADMIN},
    "client.restore": {HEAD, ADMIN},
    "client.reassign": {HEAD, ADMIN},
    "client.merge": {HEAD, ADMIN},
    "deal.view": {SM, HEAD, CH, ACC, ADMIN},  # marketing sees no deal amounts
    "deal.add": {SM, HEAD, ADMIN},
    "deal.change": {SM, HEAD, ADMIN},  # after-sales never changes deals; the head reads
    "deal.delete": {SM, HEAD, ADMIN},
    "deal.restore": {HEAD, ADMIN},
    "deal.reassign": {HEAD, ADMIN},  # field rule: only the head hands a deal over (M15)
    "activity.view": {SM, HEAD, CH, MKT, AS, ACC, ADMIN},
    "activity.add": {SM, HEAD, MKT, AS, ADMIN},
    "activity.change": {SM, HEAD, MKT, AS, ADMIN},
    "case.view": {SM, HEAD, CH, MKT, AS, ACC, ADMIN},
    "case.add": {SM, HEAD, AS, ADMIN},
    "case.change": {AS, ADMIN},
    "order.view": STAFF,
    "order.change": {SHOP, ADMIN},
    "return.view": STAFF,
    "return.decide": {SHOP, AS, ADMIN},
    "return.refund": {ACC, ADMIN},
    "catalog.view": STAFF,
    "catalog.change": {SHOP, ADMIN},
    "catalog.import": {SHOP, ADMIN},
    "staff.view": {HEAD, CH, ADMIN},
    "token.use": STAFF,
    "audit.trail": {HEAD, CH, ADMIN},
    "audit.revert": {SM, HEAD, ADMIN},
    "approval.view": {SM, HEAD, ADMIN},
    "approval.decide": {HEAD, ADMIN},  # discounts above the limit (M15)
    # billing (issue 7): the accountant keeps the money; sales read their clients' invoices.
    "invoice.view": {SM, HEAD, CH, ACC, ADMIN},
    "invoice.change": {ACC, ADMIN},
    "invoice.from_deal": {SM, HEAD, ACC, ADMIN},
    "payment.view": {CH, ACC, ADMIN},
    "payment.add": {ACC, ADMIN},
    "statement.import": {ACC, ADMIN},
    "statement.resolve": {ACC, ADMIN},
    "debtors": {SM, HEAD, CH, ACC, ADMIN},
    "creditlimit.view": {SM, HEAD, CH, ACC, ADMIN},
    "creditlimit.change": {ACC, ADMIN},
    "mail.view": {SM, HEAD, CH, MKT, AS, ACC, ADMIN},
    "mail.send": {SM, HEAD, AS, ADMIN},
    # letters no client was found for: heads of sales hand out leads, administrators (M8).
    "mail.quarantine": {HEAD, ADMIN},
    # a client's site data for a privacy request (issue 6): heads export, administrators erase.
    "site.export": {HEAD, ADMIN},
    "site.erase": {ADMIN},
    "person.export": {HEAD, ADMIN},
    "person.erase": {ADMIN},
    # who gets each new lead (issue 6, M6, M8, M12): heads of sales and administrators keep the
    # one company-wide table of rules; the company head reads it (M15).
    "leadrule.view": {HEAD, CH, ADMIN},
    "leadrule.change": {HEAD, ADMIN},
    "shop": {"customer", *STAFF},  # anyone signed in keeps a cart and their own orders
}

ALL = set(RELATIONS)
SEES: dict[str, dict[str, set[str]]] = {
    # sales manager: own (and co-owned); head: their department; the rest: everything.
    "client": {
        SM: {"own"},
        HEAD: {"own", "dept"},
        CH: ALL,
        MKT: ALL,
        AS: ALL,
        ACC: ALL,
        ADMIN: ALL,
    },
    "deal": {SM: {"own"}, HEAD: {"own", "dept"}, CH: ALL, ACC: ALL, ADMIN: ALL},
    "activity": {
        SM: {"own"},
        HEAD: {"own", "dept"},
        CH: ALL,
        MKT: ALL,
        AS: ALL,
        ACC: ALL,
        ADMIN: ALL,
    },
    "case": {SM: {"own"}, HEAD: {"own", "dept"}, CH: ALL, MKT: ALL, AS: ALL, ACC: ALL, ADMIN: ALL},
    "order": {
        SM: {"own"},
        HEAD: {"own", "dept"},
        **dict.fromkeys((CH, MKT, AS, ACC, SHOP, ADMIN), ALL),
    },
    "return": {
        SM: {"own"},
        HEAD: {"own", "dept"},
        **dict.fromkeys((CH, MKT, AS, ACC, SHOP, ADMIN), ALL),
    },
    "approval": {HEAD: {"own", "dept"}, ADMIN: ALL},
    "invoice": {SM: {"own"}, HEAD: {"own", "dept"}, CH: ALL, ACC: ALL, ADMIN: ALL},
    # a letter and its attachment follow their client.
    "mail": {SM: {"own"}, HEAD: {"own", "dept"}, CH: ALL, MKT: ALL, AS: ALL, ACC: ALL, ADMIN: ALL},
    "failed_mail": {
        SM: {"own"},
        HEAD: {"own", "dept"},
        **dict.fromkeys((CH, MKT, AS, ACC, ADMIN), ALL),
    },
    # the bin: the head of the record's department (both sales departments' heads: own+dept
    # are in the head's department) and administrators.
    "bin_client": {HEAD: {"own", "dept"}, ADMIN: ALL},
    "bin_deal": {HEAD: {"own", "dept"}, ADMIN: ALL},
    # the customer's own things: only "own" is theirs.
    "shop_order": {"customer": {"own"}},
    # a person's own saved view / API token / audit row of their record: the sales manager's.
    "mine": {SM: {"own"}},
    "history": {SM: {"own"}, HEAD: {"own", "dept"}, CH: ALL, ACC: ALL, ADMIN: ALL},
}


@dataclass(frozen=True)
class E:
    """One endpoint: the action it needs and the record (kind) it is about, if any."""

    method: str
    path: str
    need: str
    record: str | None = None
    body: Callable[[Any, str], dict[str, Any]] | None = None
    # Set where the endpoint loads the record before it checks the action (billing): a role
    # with ``view`` then hears 404 for a record it cannot see even if it may not act on it.
    # Both orders keep a record's existence hidden from whoever may not see it.
    view: str | None = None

    @property
    def relations(self) -> tuple[str, ...]:
        if self.record is None:
            return ("none",)
        if self.record == "mine":
            return ("own",)
        return RELATIONS if self.record in SEES else ("any",)


API: dict[str, E] = {}
MULTIPART = "_multipart"  # a body key: send the body as multipart/form-data, not JSON
OFFICE: dict[str, E] = {}


def on_api(method: str, path: str, need: str, record=None, body=None, view=None) -> None:
    API[f"{method} {path}"] = E(method, path, need, record, body, view)


def on_office(name: str, method: str, path: str, need: str, record=None, body=None, view=None):
    OFFICE[f"{name} {method}"] = E(method, path, need, record, body, view)


# --- The API -------------------------------------------------------------------------------------

on_api("GET", "/api/accounts/me", "shop")
on_api("GET", "/api/accounts/tokens", "token.use")
on_api("POST", "/api/accounts/tokens", "token.use", body=lambda w, r: {"name": "matrix"})
on_api("DELETE", "/api/accounts/tokens/{token_id}", "token.use", "mine")
on_api("GET", "/api/accounts/departments", "staff.view")
on_api("GET", "/api/accounts/staff", "staff.view")

on_api("GET", "/api/clients", "client.view")
on_api(
    "POST",
    "/api/clients",
    "client.add",
    body=lambda w, r: {"kind": "person", "first_name": "Ія", "last_name": "Кравець"},
)
on_api("GET", "/api/clients/{client_id}", "client.view", "client")
on_api("PATCH", "/api/clients/{client_id}", "client.change", "client", lambda w, r: {"notes": "x"})
on_api("DELETE", "/api/clients/{client_id}", "client.delete", "client")
on_api("GET", "/api/recycle-bin/clients", "client.restore")
on_api("POST", "/api/clients/{client_id}/restore", "client.restore", "bin_client")
on_api(
    "POST",
    "/api/clients/{client_id}/emails",
    "client.change",
    "client",
    lambda w, r: {"email": f"new-{r}@example.test"},
)
on_api(
    "POST",
    "/api/clients/{client_id}/phones",
    "client.change",
    "client",
    lambda w, r: {"number": "0509876543"},
)
on_api(
    "PUT",
    "/api/clients/{client_id}/manager",
    "client.reassign",
    "client",
    lambda w, r: {"manager_id": w.people[SM].pk},
)
on_api("GET", "/api/clients/{client_id}/timeline", "client.view", "client")
on_api(
    "POST", "/api/clients/{client_id}/notes", "client.note", "client", lambda w, r: {"text": "x"}
)
on_api("GET", "/api/clients/{client_id}/duplicates", "client.view", "client")
on_api(
    "POST",
    "/api/clients/{client_id}/merge",
    "client.merge",
    "client",
    lambda w, r: {"duplicate_id": w.pk("client", "own")},
)
on_api("GET", "/api/client-views", "client.view")
on_api("POST", "/api/client-views", "client.view", body=lambda w, r: {"name": "мої", "filters": {}})
on_api("DELETE", "/api/client-views/{view_id}", "client.view", "mine")
on_api("GET", "/api/regions", "client.view")
on_api("GET", "/api/industries", "client.view")

on_api("GET", "/api/pipelines", "deal.view")
on_api("GET", "/api/lost-reasons", "deal.view")
on_api("GET", "/api/activity-outcomes", "activity.view")
on_api("GET", "/api/deals", "deal.view")
on_api(
    "POST",
    "/api/deals",
    "deal.add",
    "client",
    lambda w, r: {"client_id": w.pk("client", r), "pipeline_id": w.wholesale.pk, "title": "x"},
)
on_api("GET", "/api/deals/{deal_id}", "deal.view", "deal")
on_api("PATCH", "/api/deals/{deal_id}", "deal.change", "deal", lambda w, r: {"title": "нова"})
on_api("DELETE", "/api/deals/{deal_id}", "deal.delete", "deal")
on_api(
    "POST",
    "/api/deals/{deal_id}/reassign",
    "deal.reassign",
    "deal",
    lambda w, r: {"manager_id": w.people[SM].pk},
)
on_api("GET", "/api/recycle-bin/deals", "deal.restore")
on_api(
    "POST", "/api/deals/{deal_id}/discount", "deal.change", "deal", lambda w, r: {"percent": "5"}
)
on_api("GET", "/api/approvals", "approval.view")
on_api(
    "POST",
    "/api/approvals/{approval_id}/decide",
    "approval.decide",
    "approval",
    lambda w, r: {"approve": True},
)
on_api("POST", "/api/deals/{deal_id}/restore", "deal.restore", "bin_deal")
on_api(
    "POST",
    "/api/deals/{deal_id}/move",
    "deal.change",
    "deal",
    lambda w, r: {"stage_id": w.next_stage.pk},
)
on_api(
    "POST",
    "/api/deals/{deal_id}/lose",
    "deal.change",
    "deal",
    lambda w, r: {"reason_id": w.lost_reason.pk},
)
on_api("GET", "/api/activities", "activity.view")
on_api(
    "POST",
    "/api/activities",
    "activity.add",
    "client",
    lambda w, r: {"client_id": w.pk("client", r), "kind": "call", "subject": "x"},
)
on_api("GET", "/api/plan-templates", "activity.view")
on_api(
    "POST",
    "/api/activities/from-template",
    "activity.add",
    "client",
    lambda w, r: {"template_id": w.template.pk, "client_id": w.pk("client", r)},
)
on_api(
    "POST",
    "/api/activities/{activity_id}/complete",
    "activity.change",
    "activity",
    lambda w, r: {"outcome_id": w.outcome.pk, "result": "поговорили"},
)
on_api("GET", "/api/my-day", "activity.view")

on_api("GET", "/api/cases", "case.view")
on_api(
    "POST",
    "/api/cases",
    "case.add",
    "client",
    lambda w, r: {"client_id": w.pk("client", r), "kind": "question", "subject": "x"},
)
on_api("GET", "/api/cases/{case_id}", "case.view", "case")
on_api(
    "POST",
    "/api/cases/{case_id}/assign",
    "case.change",
    "case",
    lambda w, r: {"owner_id": w.people[AS].pk},
)
on_api(
    "POST",
    "/api/cases/{case_id}/status",
    "case.change",
    "case",
    lambda w, r: {"status": "in_progress"},
)
on_api(
    "POST",
    "/api/cases/{case_id}/resolve",
    "case.change",
    "case",
    lambda w, r: {"resolution": "done"},
)

on_api("GET", "/api/shop/cart", "shop")
on_api(
    "POST",
    "/api/shop/cart/lines",
    "shop",
    body=lambda w, r: {"variant_id": w.variant.pk, "quantity": 1},
)
on_api("PUT", "/api/shop/cart/lines/{variant_id}", "shop", "variant", lambda w, r: {"quantity": 1})
on_api("POST", "/api/shop/checkout", "shop", body=lambda w, r: {"checkout_key": "x" * 20})
on_api("GET", "/api/shop/orders", "shop")
on_api("GET", "/api/shop/orders/{number}", "shop", "shop_order")
on_api("POST", "/api/shop/orders/{number}/payment", "shop", "shop_order")
on_api("GET", "/api/shop/returns", "shop")
on_api(
    "POST",
    "/api/shop/orders/{number}/returns",
    "shop",
    "shop_order",
    lambda w, r: {"lines": [{"sku": w.variant.sku, "quantity": 1}], "reason": "changed_mind"},
)

on_api("GET", "/api/clients/{client_id}/mail", "mail.view", "client")
on_api("GET", "/api/mail/{mail_id}", "mail.view", "mail")
on_api("GET", "/api/mail-templates", "mail.view")
on_api("GET", "/api/clients/{client_id}/site-data", "site.export", "client")
on_api("DELETE", "/api/clients/{client_id}/site-data", "site.erase", "client")
on_api("GET", "/api/clients/{client_id}/personal-data", "person.export", "client")
on_api("POST", "/api/clients/{client_id}/erase", "person.erase", "client")
on_api(
    "POST",
    "/api/mail",
    "mail.send",
    "client",
    lambda w, r: {"client_id": w.pk("client", r), "to": w.emails[r], "subject": "x", "body": "y"},
)
on_api(
    "POST",
    "/api/clients/{client_id}/mail",
    "mail.send",
    "client",
    lambda w, r: {MULTIPART: True, "to": w.emails[r], "subject": "x", "body": "y"},
)
on_api("POST", "/api/mail/{mail_id}/resend", "mail.send", "failed_mail")

INV = {"view": "invoice.view", "record": "invoice"}
on_api("GET", "/api/invoices", "invoice.view")
on_api(
    "POST",
    "/api/invoices",
    "invoice.change",
    body=lambda w, r: {
        "client_id": w.pk("client", "own"),
        "lines": [{"description": "x", "quantity": "1", "unit_price": "10"}],
    },
)
on_api("GET", "/api/invoices/{invoice_id}", "invoice.view", "invoice")
on_api("POST", "/api/invoices/{invoice_id}/issue", "invoice.change", **INV)
on_api(
    "POST",
    "/api/invoices/{invoice_id}/cancel",
    "invoice.change",
    body=lambda w, r: {"reason": "x"},
    **INV,
)
on_api(
    "POST",
    "/api/invoices/{invoice_id}/credit-notes",
    "invoice.change",
    body=lambda w, r: {"reason": "x", "amount": "1"},
    **INV,
)
on_api("POST", "/api/invoices/{invoice_id}/apply-credit", "payment.add", **INV)
on_api(
    "POST",
    "/api/deals/{deal_id}/invoice",
    "invoice.from_deal",
    "deal",
    lambda w, r: {},
    view="deal.view",
)
on_api("GET", "/api/payments", "payment.view")
on_api(
    "POST",
    "/api/payments",
    "payment.add",
    body=lambda w, r: {
        "client_id": w.pk("client", "own"),
        "amount": "1",
        "received_on": "2026-11-01",
    },
)
on_api("GET", "/api/payments/{payment_id}", "payment.view", "payment")
on_api(
    "POST",
    "/api/payments/{payment_id}/allocations",
    "payment.add",
    "payment",
    lambda w, r: {"invoice_id": w.pk("invoice", "own")},
    view="payment.view",
)
on_api(
    "POST",
    "/api/statements",
    "statement.import",
    body=lambda w, r: {"file": b"date;amount;currency;payer_name;purpose\n"},
)
on_api("GET", "/api/statements/{statement_id}", "payment.view", "statement")
on_api("GET", "/api/statement-lines", "payment.view")
on_api(
    "POST",
    "/api/statement-lines/{line_id}/resolve",
    "statement.resolve",
    "statement",
    lambda w, r: {"ignore": True},
    view="payment.view",
)
on_api("GET", "/api/debtors", "debtors")
on_api(
    "GET",
    "/api/clients/{client_id}/credit",
    "creditlimit.view",
    "client",
    view="client.view",
)
on_api(
    "PUT",
    "/api/clients/{client_id}/credit-limit",
    "creditlimit.change",
    "client",
    lambda w, r: {"amount": "1000"},
    view="client.view",
)

# the personal site (issue 6 item 5, M7): an offer is set by whoever may change the client.
OFFER_UNTIL = (timezone.localdate() + timedelta(days=30)).isoformat()
on_api("GET", "/api/clients/{client_id}/personal-offer", "client.view", "client")
on_api(
    "PUT",
    "/api/clients/{client_id}/personal-offer",
    "client.change",
    "client",
    lambda w, r: {"percent": "5", "message": "", "valid_until": OFFER_UNTIL},
)
on_api("DELETE", "/api/clients/{client_id}/personal-offer", "client.change", "client")

on_api("GET", "/api/lead-rules", "leadrule.view")
# with a query, so that the tester answers (keyed by its path, as the schema names it)
API["GET /api/lead-rules/assignee"] = E(
    "GET", "/api/lead-rules/assignee?channel=email", "leadrule.view"
)
on_api("POST", "/api/lead-rules", "leadrule.change", body=lambda w, r: {"manager_id": w.head.pk})
on_api("GET", "/api/lead-rules/{rule_id}", "leadrule.view", "leadrule")
on_api(
    "PATCH", "/api/lead-rules/{rule_id}", "leadrule.change", "leadrule", lambda w, r: {"note": "x"}
)
on_api(
    "POST",
    "/api/lead-rules/{rule_id}/move",
    "leadrule.change",
    "leadrule",
    lambda w, r: {"position": 1},
)
on_api("DELETE", "/api/lead-rules/{rule_id}", "leadrule.change", "leadrule")

# The public catalogue answers everyone, signed in or not.
PUBLIC_API = {
    "GET /api/catalog/groups",
    "GET /api/catalog/products",
    "GET /api/catalog/products/{slug}",
    "GET /api/shop/delivery-methods",
}

# --- The back office -----------------------------------------------------------------------------

on_office("dashboard", "GET", "/office/", "office")
on_office("staff", "GET", "/office/staff/", "staff.view")
on_office("roles", "GET", "/office/roles/", "staff.view")
on_office("tokens", "GET", "/office/tokens/", "token.use")
on_office("tokens", "POST", "/office/tokens/", "token.use", body=lambda w, r: {"name": "m"})
on_office("token-revoke", "POST", "/office/tokens/{token_id}/revoke/", "token.use", "mine")
# Each person's own sign-in codes: every staff member, only their own (no record in the URL).
on_office("security", "GET", "/office/security/", "office")
on_office("security-enrol", "POST", "/office/security/set-up/", "office")
CODE = {"code": "000000"}
on_office("security-confirm", "POST", "/office/security/confirm/", "office", body=lambda w, r: CODE)
on_office(
    "security-recovery-codes",
    "POST",
    "/office/security/recovery-codes/",
    "office",
    body=lambda w, r: CODE,
)
on_office(
    "security-disable", "POST", "/office/security/switch-off/", "office", body=lambda w, r: CODE
)
on_office("client-list", "GET", "/office/clients/", "client.view")
on_office("client-create", "GET", "/office/clients/new/", "client.add")
on_office("client-export", "GET", "/office/clients/export.csv", "client.view")
on_office(
    "client-create",
    "POST",
    "/office/clients/new/",
    "client.add",
    body=lambda w, r: {"kind": "person", "first_name": "Ія", "last_name": "Кравець"},
)
on_office(
    "client-view-save",
    "POST",
    "/office/clients/views/",
    "client.view",
    body=lambda w, r: {"name": "v"},
)
on_office(
    "client-view-delete", "POST", "/office/clients/views/{view_id}/delete/", "client.view", "mine"
)
on_office(
    "client-reassign",
    "POST",
    "/office/clients/reassign/",
    "client.reassign",
    body=lambda w, r: {"clients": [w.pk("client", "own")], "manager": w.people[SM].pk},
)
on_office("client-detail", "GET", "/office/clients/{client_id}/", "client.view", "client")
on_office(
    "client-add-note",
    "POST",
    "/office/clients/{client_id}/notes/",
    "client.note",
    "client",
    lambda w, r: {"text": "x"},
)
on_office(
    "client-merge",
    "POST",
    "/office/clients/{client_id}/merge/",
    "client.merge",
    "client",
    lambda w, r: {"duplicate": w.pk("client", "own")},
)
on_office("client-delete", "POST", "/office/clients/{client_id}/delete/", "client.delete", "client")
on_office(
    "client-personal-data",
    "GET",
    "/office/clients/{client_id}/personal-data.json",
    "person.export",
    "client",
)
on_office("client-erase", "GET", "/office/clients/{client_id}/erase/", "person.erase", "client")
on_office("client-erase", "POST", "/office/clients/{client_id}/erase/", "person.erase", "client")
on_office(
    "client-restore", "POST", "/office/clients/{client_id}/restore/", "client.restore", "bin_client"
)
on_office("deal-create", "GET", "/office/clients/{client_id}/deals/new/", "deal.add", "client")
on_office(
    "deal-create",
    "POST",
    "/office/clients/{client_id}/deals/new/",
    "deal.add",
    "client",
    lambda w, r: {"pipeline": w.wholesale.pk, "title": "x", "amount": "1"},
)
on_office(
    "activity-plan",
    "POST",
    "/office/clients/{client_id}/plan/",
    "activity.add",
    "client",
    lambda w, r: {"kind": "call", "subject": "x"},
)
on_office(
    "plan-template-apply",
    "POST",
    "/office/clients/{client_id}/plan-template/",
    "activity.add",
    "client",
    lambda w, r: {"template": w.template.pk},
)
on_office("deal-board", "GET", "/office/deals/", "deal.view")
on_office("deal-detail", "GET", "/office/deals/{deal_id}/", "deal.view", "deal")
on_office(
    "deal-move",
    "POST",
    "/office/deals/{deal_id}/move/",
    "deal.change",
    "deal",
    lambda w, r: {"stage": w.next_stage.pk},
)
on_office(
    "deal-lose",
    "POST",
    "/office/deals/{deal_id}/lose/",
    "deal.change",
    "deal",
    lambda w, r: {"reason": w.lost_reason.pk},
)
on_office("deal-delete", "POST", "/office/deals/{deal_id}/delete/", "deal.delete", "deal")
on_office(
    "deal-discount",
    "POST",
    "/office/deals/{deal_id}/discount/",
    "deal.change",
    "deal",
    lambda w, r: {"percent": "5"},
)
on_office("approvals", "GET", "/office/approvals/", "approval.view")
on_office(
    "approval-decide",
    "POST",
    "/office/approvals/{approval_id}/decide/",
    "approval.decide",
    "approval",
    lambda w, r: {"decision": "approve"},
)
on_office("deal-restore", "POST", "/office/deals/{deal_id}/restore/", "deal.restore", "bin_deal")
on_office(
    "activity-complete",
    "POST",
    "/office/activities/{activity_id}/complete/",
    "activity.change",
    "activity",
    lambda w, r: {"outcome": w.outcome.pk, "result": "так"},
)
on_office("my-day", "GET", "/office/my-day/", "activity.view")
on_office("calendar", "GET", "/office/calendar/", "activity.view")
on_office("case-create", "GET", "/office/clients/{client_id}/cases/new/", "case.add", "client")
on_office(
    "case-create",
    "POST",
    "/office/clients/{client_id}/cases/new/",
    "case.add",
    "client",
    lambda w, r: {"kind": "question", "subject": "x", "priority": "normal"},
)
on_office("case-queue", "GET", "/office/cases/", "case.view")
on_office("case-detail", "GET", "/office/cases/{case_id}/", "case.view", "case")
on_office(
    "case-assign",
    "POST",
    "/office/cases/{case_id}/assign/",
    "case.change",
    "case",
    lambda w, r: {"owner": w.people[AS].pk},
)
on_office(
    "case-status",
    "POST",
    "/office/cases/{case_id}/status/",
    "case.change",
    "case",
    lambda w, r: {"status": "in_progress"},
)
on_office(
    "case-resolve",
    "POST",
    "/office/cases/{case_id}/resolve/",
    "case.change",
    "case",
    lambda w, r: {"resolution": "done"},
)
on_office("order-list", "GET", "/office/orders/", "order.view")
on_office("order-detail", "GET", "/office/orders/{order_id}/", "order.view", "order")
on_office(
    "order-advance",
    "POST",
    "/office/orders/{order_id}/advance/",
    "order.change",
    "order",
    lambda w, r: {"status": "cancelled"},
)
on_office("return-queue", "GET", "/office/returns/", "return.view")
on_office(
    "return-accept",
    "POST",
    "/office/returns/{return_id}/accept/",
    "return.decide",
    "return",
    lambda w, r: {"warehouse": w.warehouse.pk},
)
on_office(
    "return-reject",
    "POST",
    "/office/returns/{return_id}/reject/",
    "return.decide",
    "return",
    lambda w, r: {"note": "ні"},
)
on_office(
    "return-refunded", "POST", "/office/returns/{return_id}/refunded/", "return.refund", "return"
)
on_office("product-list", "GET", "/office/catalog/", "catalog.view")
on_office("product-create", "GET", "/office/catalog/products/new/", "catalog.change")
on_office(
    "product-edit", "GET", "/office/catalog/products/{product_id}/", "catalog.view", "product"
)
on_office(
    "product-edit",
    "POST",
    "/office/catalog/products/{product_id}/",
    "catalog.change",
    "product",
    lambda w, r: {"name": ""},
)
on_office(
    "product-stock",
    "GET",
    "/office/catalog/products/{product_id}/stock/",
    "catalog.view",
    "product",
)
on_office(
    "product-stock",
    "POST",
    "/office/catalog/products/{product_id}/stock/",
    "catalog.change",
    "product",
    lambda w, r: {},
)
on_office(
    "product-images",
    "GET",
    "/office/catalog/products/{product_id}/images/",
    "catalog.view",
    "product",
)
on_office(
    "product-images",
    "POST",
    "/office/catalog/products/{product_id}/images/",
    "catalog.change",
    "product",
    lambda w, r: {},
)
on_office(
    "product-image-change",
    "POST",
    "/office/catalog/products/{product_id}/images/{image_id}/",
    "catalog.change",
    "product",
    lambda w, r: {"action": "up"},
)
on_office("group-list", "GET", "/office/catalog/groups/", "catalog.view")
on_office("group-create", "GET", "/office/catalog/groups/new/", "catalog.change")
on_office("group-edit", "GET", "/office/catalog/groups/{group_id}/", "catalog.view", "group")
on_office(
    "group-edit",
    "POST",
    "/office/catalog/groups/{group_id}/",
    "catalog.change",
    "group",
    lambda w, r: {"name": ""},
)
on_office(
    "group-move",
    "POST",
    "/office/catalog/groups/{group_id}/move/",
    "catalog.change",
    "group",
    lambda w, r: {},
)
on_office(
    "group-visibility",
    "POST",
    "/office/catalog/groups/{group_id}/visibility/",
    "catalog.change",
    "group",
    lambda w, r: {},
)
on_office("product-export", "GET", "/office/catalog/export.csv", "catalog.import")
on_office("import-list", "GET", "/office/catalog/imports/", "catalog.import")
on_office(
    "import-detail", "GET", "/office/catalog/imports/{import_id}/", "catalog.import", "import"
)
on_office("notifications", "GET", "/office/notifications/", "office")
on_office("notifications-badge", "GET", "/office/notifications/badge/", "office")
on_office("notifications-read", "POST", "/office/notifications/read/", "office")
on_office("history", "GET", "/office/history/crm.deal/{deal_id}/", "office", "history")
on_office(
    "history-revert",
    "POST",
    "/office/audit/revert/{entry_id}/",
    "audit.revert",
    "history",
    lambda w, r: {"field": "title"},
)
on_office("audit-trail", "GET", "/office/audit/", "audit.trail")
on_office("invoice-list", "GET", "/office/invoices/", "invoice.view")
on_office("invoice-detail", "GET", "/office/invoices/{invoice_id}/", "invoice.view", "invoice")
on_office("invoice-pdf", "GET", "/office/invoices/{invoice_id}/pdf/", "invoice.view", "invoice")
on_office("invoice-issue", "POST", "/office/invoices/{invoice_id}/issue/", "invoice.change", **INV)
on_office(
    "invoice-cancel",
    "POST",
    "/office/invoices/{invoice_id}/cancel/",
    "invoice.change",
    body=lambda w, r: {"reason": "x"},
    **INV,
)
on_office(
    "credit-note-create",
    "POST",
    "/office/invoices/{invoice_id}/credit-notes/",
    "invoice.change",
    body=lambda w, r: {"reason": "x", "amount": "1"},
    **INV,
)
on_office(
    "invoice-pay",
    "POST",
    "/office/invoices/{invoice_id}/payments/",
    "payment.add",
    body=lambda w, r: {"amount": "1", "received_on": "2026-11-01"},
    **INV,
)
on_office(
    "credit-apply", "POST", "/office/invoices/{invoice_id}/apply-credit/", "payment.add", **INV
)
on_office(
    "credit-note-pdf", "GET", "/office/credit-notes/{note_id}/pdf/", "invoice.view", "invoice"
)
on_office(
    "invoice-create", "GET", "/office/clients/{client_id}/invoices/new/", "invoice.change", "client"
)
on_office(
    "credit-limit",
    "POST",
    "/office/clients/{client_id}/credit-limit/",
    "creditlimit.change",
    "client",
    lambda w, r: {"limit": "1000"},
)
on_office(
    "personal-offer",
    "POST",
    "/office/clients/{client_id}/personal-offer/",
    "client.change",
    "client",
    lambda w, r: {"percent": "5", "valid_until": OFFER_UNTIL},
)
on_office(
    "deal-invoice",
    "POST",
    "/office/deals/{deal_id}/invoice/",
    "invoice.from_deal",
    "deal",
    lambda w, r: {},
    view="deal.view",
)
on_office("payments", "GET", "/office/payments/", "payment.view")
on_office("statement-upload", "POST", "/office/payments/statements/", "statement.import")
on_office(
    "line-resolve",
    "POST",
    "/office/payments/lines/{line_id}/resolve/",
    "statement.resolve",
    "statement",
    lambda w, r: {"action": "ignore"},
)
on_office("debtors", "GET", "/office/debtors/", "debtors")
on_office("mail-compose", "GET", "/office/clients/{client_id}/mail/new/", "mail.send", "client")
on_office(
    "mail-compose",
    "POST",
    "/office/clients/{client_id}/mail/new/",
    "mail.send",
    "client",
    lambda w, r: {"to": w.emails[r], "subject": "x", "body": "y"},
)
on_office("mail-detail", "GET", "/office/mail/{mail_id}/", "mail.view", "mail")
on_office(
    "mail-attachment", "GET", "/office/mail/attachments/{attachment_id}/", "mail.view", "mail"
)
on_office("mail-resend", "POST", "/office/mail/{mail_id}/resend/", "mail.send", "failed_mail")
on_office("mail-quarantine", "GET", "/office/mail/quarantine/", "mail.quarantine")
QUARANTINE = "/office/mail/quarantine/{mail_id}/"
on_office("mail-quarantine-detail", "GET", QUARANTINE, "mail.quarantine", "quarantine")
on_office("mail-quarantine-raw", "GET", QUARANTINE + "raw/", "mail.quarantine", "quarantine")
on_office(
    "mail-quarantine-file",
    "POST",
    QUARANTINE + "file/",
    "mail.quarantine",
    "quarantine",
    lambda w, r: {"client": w.pk("client", "own")},
)
on_office(
    "mail-quarantine-discard", "POST", QUARANTINE + "discard/", "mail.quarantine", "quarantine"
)
on_office("recycle-bin", "GET", "/office/recycle-bin/", "client.restore")
# the list with the tester's answer ("who would get it")
on_office("lead-rules", "GET", "/office/lead-rules/?channel=quote", "leadrule.view")
on_office("lead-rule-create", "GET", "/office/lead-rules/new/", "leadrule.change")
on_office(
    "lead-rule-create",
    "POST",
    "/office/lead-rules/new/",
    "leadrule.change",
    body=lambda w, r: {"manager": w.head.pk, "is_active": "on"},
)
on_office("lead-rule-edit", "GET", "/office/lead-rules/{rule_id}/", "leadrule.view", "leadrule")
on_office(
    "lead-rule-edit",
    "POST",
    "/office/lead-rules/{rule_id}/",
    "leadrule.change",
    "leadrule",
    lambda w, r: {"manager": w.head.pk, "note": "x"},
)
on_office(
    "lead-rule-move",
    "POST",
    "/office/lead-rules/{rule_id}/move/",
    "leadrule.change",
    "leadrule",
    lambda w, r: {"direction": "up"},
)
on_office(
    "lead-rule-active",
    "POST",
    "/office/lead-rules/{rule_id}/active/",
    "leadrule.change",
    "leadrule",
    lambda w, r: {"is_active": "0"},
)
on_office(
    "lead-rule-delete",
    "POST",
    "/office/lead-rules/{rule_id}/delete/",
    "leadrule.change",
    "leadrule",
)

NOT_BUSINESS_DATA = {
    "login": "signing in",
    "sign-in-code": "the second step of signing in (tested in test_security_pages.py)",
    "logout": "signing out",
    "password_reset": "the password reset (tested in test_password_reset_smtp.py)",
    "password_reset_done": "the password reset",
    "password_reset_confirm": "the password reset",
    "password_reset_complete": "the password reset",
}


# --- The world every role looks at ---------------------------------------------------------------


def _picture() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


def _letter(sender: str) -> bytes:
    letter = EmailMessage()
    letter["From"] = sender
    letter["To"] = "shop@kramar.localhost"
    letter["Subject"] = "Рахунок"
    letter["Message-ID"] = f"<{sender}.matrix@example.test>"
    letter.set_content("Добрий день")
    letter.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    return bytes(letter)


class World:
    """People in every role and, for each relation to the sales manager, one of each record."""

    def __init__(self, make_staff: Callable[..., Any]) -> None:
        elsewhere = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
        self.people = {role: make_staff(role) for role in STAFF}
        owners = {
            "own": self.people[SM],
            "dept": make_staff(SM),
            "outside": make_staff(SM, department=elsewhere),
        }
        customers = {rel: CustomerFactory() for rel in RELATIONS}
        self.people["customer"] = customers["own"]
        self.wholesale = Pipeline.objects.get(code="wholesale")
        self.next_stage = self.wholesale.stages.filter(kind="open").order_by("order")[1]
        self.lost_reason = LostReason.objects.filter(is_active=True).first()
        self.outcome = ActivityOutcome.objects.filter(activity_kind__in=["call", ""]).first()
        self.template = PlanTemplate.objects.first()
        product = make_product("Лампа", price="500.00", stock=30)
        self.variant = first_variant(product)
        self.warehouse = self.variant.stocks.first().warehouse
        image = product_image_add(product=product, image=_picture())
        job = ProductImport.objects.create(file=SimpleUploadedFile("a.csv", b"sku,product\n"))
        now = timezone.now()
        self.ids: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in SEES}
        self.ids["variant"] = {"any": {"variant_id": self.variant.pk}}
        self.ids["product"] = {"any": {"product_id": product.pk, "image_id": image.pk}}
        self.ids["group"] = {"any": {"group_id": product.group_id}}
        self.ids["import"] = {"any": {"import_id": job.pk}}
        self.emails: dict[str, str] = {}
        for rel, manager in owners.items():
            self.emails[rel] = f"client-{rel}@example.test"
            client = ClientFactory(manager=manager, emails=[self.emails[rel]])
            letter = mail_import(raw=_letter(self.emails[rel]), notify=False).message
            attachment = letter.attachments.get()
            deal = deal_create(
                actor=manager,
                client=client,
                pipeline=self.wholesale,
                title="Угода",
                manager=manager,
            )
            with context.origin(source="page", actor=manager):
                deal_update(actor=manager, deal=deal, title=f"Угода {rel}")
            entry = AuditEntry.objects.filter(model="crm.deal", object_id=str(deal.pk)).latest("id")
            activity = activity_plan(
                actor=manager,
                client=client,
                kind="call",
                subject="Дзвінок",
                due_at=now + timedelta(days=1),
                deal=deal,
            )
            case = case_open(actor=manager, client=client, kind="question", subject="Питання")
            order = delivered_order(
                customer=customers[rel], staff=self.people[SHOP], items=[(self.variant, 2)]
            )
            client_assign_manager(actor=None, client=order.client, manager=manager)
            goods_return = return_request(
                user=customers[rel],
                order=order,
                lines={order.lines.get().pk: 1},
                reason="changed_mind",
            )
            gone_client = ClientFactory(manager=manager)
            client_delete(actor=manager, client=gone_client)
            gone_deal = deal_create(
                actor=manager,
                client=client,
                pipeline=self.wholesale,
                title="Стара",
                manager=manager,
            )
            deal_delete(actor=manager, deal=gone_deal)
            self.ids["client"][rel] = {"client_id": client.pk}
            invoice = invoice_create(
                actor=None,
                client=client,
                lines=[
                    LineIn(description="Лампи", quantity=Decimal("2"), unit_price=Decimal("500"))
                ],
            )
            invoice = invoice_issue(actor=None, invoice=invoice, notify=False)
            note = credit_note_issue(
                actor=None, invoice=invoice, reason="знижка", amount=Decimal("1")
            )
            self.ids["invoice"][rel] = {"invoice_id": invoice.pk, "note_id": note.pk}
            self.ids["mail"][rel] = {"mail_id": letter.pk, "attachment_id": attachment.pk}
            failed = mail_send(
                actor=manager, client=client, to=self.emails[rel], subject="Лист", body="Текст"
            )
            MailMessage.objects.filter(pk=failed.pk).update(status=MailStatus.FAILED, error="x")
            self.ids["failed_mail"][rel] = {"mail_id": failed.pk}
            self.ids["deal"][rel] = {"deal_id": deal.pk}
            asked = deal_set_discount(actor=manager, deal=deal, percent=50)
            self.ids["approval"][rel] = {"approval_id": asked.pk}
            self.ids["history"][rel] = {"deal_id": deal.pk, "entry_id": entry.pk}
            self.ids["activity"][rel] = {"activity_id": activity.pk}
            self.ids["case"][rel] = {"case_id": case.pk}
            self.ids["order"][rel] = {"order_id": order.pk}
            self.ids["return"][rel] = {"return_id": goods_return.pk}
            self.ids["shop_order"][rel] = {"number": order.number}
            self.ids["bin_client"][rel] = {"client_id": gone_client.pk}
            self.ids["bin_deal"][rel] = {"deal_id": gone_deal.pk}
        payment = payment_record(
            actor=None,
            client=client,
            amount=Decimal("5"),
            received_on=now.date(),
            keep_excess_as_credit=True,
        )
        self.ids["payment"] = {"any": {"payment_id": payment.pk}}
        statement = statement_import(
            actor=None,
            file_name="bank.csv",
            content="date;amount;currency;payer_name;purpose;reference\n"
            "2026-11-02;77.00;UAH;Хтось;Без призначення;M-1\n".encode(),
        ).statement
        line = statement.lines.get()
        self.ids["statement"] = {"any": {"statement_id": statement.pk, "line_id": line.pk}}
        unreadable = mail_quarantine(raw=b"\x00 not a letter", reason="unreadable").message
        self.ids["quarantine"] = {"any": {"mail_id": unreadable.pk}}
        for person in self.people.values():  # everyone's cart holds the lamp (PUT changes it)
            cart_add(cart=cart_open(user=person, token=None), variant=self.variant, quantity=1)
        token, _raw = api_token_create(user=self.people[SM], name="mine")
        view = saved_view_save(owner=self.people[SM], name="мої", filters={})
        self.ids["mine"] = {"own": {"token_id": token.pk, "view_id": view.pk}}
        self.head = self.people[HEAD]
        rule = lead_rule_create(actor=None, manager=self.head)
        self.ids["leadrule"] = {"any": {"rule_id": rule.pk}}

    def pk(self, kind: str, rel: str) -> Any:
        return next(iter(self.ids[kind][rel].values()))

    def url(self, endpoint: E, rel: str) -> str:
        values = self.ids.get(endpoint.record or "", {}).get(rel, {})
        return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), endpoint.path)


def expected(role: str, endpoint: E, rel: str, *, page: bool) -> int | str:
    """The answer the rules of issue 5 give: 401/302, 403, 404, or "ok" (the gate passes)."""
    if role == "anonymous":
        return 302 if page else 401
    hidden = endpoint.record in SEES and rel not in SEES[endpoint.record].get(role, set())
    if endpoint.view is not None:
        if role not in RIGHTS[endpoint.view]:
            return 403
        if hidden:
            return 404
    if role not in RIGHTS[endpoint.need]:
        return 403
    return 404 if hidden else "ok"


class _Undo(Exception):
    """Raised to roll back whatever one request wrote, so each request sees the same world."""


def _ask(browser: HttpClient, endpoint: E, url: str, body: dict[str, Any] | None, page: bool):
    method = endpoint.method.lower()
    before = AuditEntry.objects.count()
    try:
        with transaction.atomic():
            if page:
                response = getattr(browser, method)(url, body or {})
            elif method in ("get", "delete"):
                response = getattr(browser, method)(url)
            elif body and body.get(MULTIPART):  # form fields (and files) as multipart/form-data
                fields = {key: value for key, value in body.items() if key != MULTIPART}
                response = browser.post(url, fields)
            elif body and isinstance(body.get("file"), bytes):  # an upload
                upload = SimpleUploadedFile("statement.csv", body["file"], content_type="text/csv")
                response = browser.post(url, {"file": upload})
            else:
                response = getattr(browser, method)(
                    url, json.dumps(body or {}), content_type="application/json"
                )
            written = AuditEntry.objects.count() - before
            raise _Undo
    except _Undo:
        pass
    return response, written


def _run(world: World, table: dict[str, E], *, page: bool) -> list[str]:
    browsers: dict[str, HttpClient] = {"anonymous": HttpClient()}
    for role in ROLES[1:]:
        browsers[role] = HttpClient()
        browsers[role].force_login(
            world.people[role], backend="django.contrib.auth.backends.ModelBackend"
        )
    wrong = []
    for key, endpoint in table.items():
        for rel in endpoint.relations:
            url = world.url(endpoint, rel)
            body = endpoint.body(world, rel) if endpoint.body else None
            for role in ROLES:
                want = expected(role, endpoint, rel, page=page)
                response, written = _ask(browsers[role], endpoint, url, body, page)
                got = response.status_code
                if want == "ok":
                    if got in (401, 403, 404) or got >= 500:
                        wrong.append(f"{key} [{rel}] as {role}: {got}, expected to pass")
                elif got != want:
                    wrong.append(f"{key} [{rel}] as {role}: {got}, expected {want}")
                elif written:
                    wrong.append(f"{key} [{rel}] as {role}: refused but wrote {written} rows")
    return wrong


@pytest.fixture(autouse=True)
def _private_mail_files(settings, tmp_path):
    settings.MAIL_FILES_ROOT = str(tmp_path / "mail-files")


def test_the_api_answers_every_role_as_the_rules_say(make_staff):
    wrong = _run(World(make_staff), API, page=False)
    assert not wrong, "\n".join(wrong)


def test_the_office_answers_every_role_as_the_rules_say(make_staff):
    wrong = _run(World(make_staff), OFFICE, page=True)
    assert not wrong, "\n".join(wrong)


def _office_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "backoffice":
                names.add(pattern.name or "")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_endpoint_is_in_the_matrix():
    schema = ninja_api.get_openapi_schema()
    operations = {
        f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
    }
    missing_api = operations - set(API) - PUBLIC_API
    assert not missing_api, f"add these API operations to the matrix: {sorted(missing_api)}"
    assert not set(API) - operations, "the matrix names API operations that no longer exist"
    covered = {key.rsplit(" ", 1)[0] for key in OFFICE} | set(NOT_BUSINESS_DATA)
    missing_pages = _office_routes() - covered
    assert not missing_pages, f"add these office pages to the matrix: {sorted(missing_pages)}"
