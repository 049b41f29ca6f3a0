"""Lead rules in the back office (issue 6; M6, M8, M12): who gets each new lead from the web
forms and from e-mail, in the order the rules are tried, and a tester of who would get one now.

Heads of sales and administrators change the rules; the company head reads them. Every write
goes through ``crm.services`` (checked and audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.backoffice.lead_rules_forms import LeadRuleForm, LeadTestForm
from kramar.core.errors import ApplicationError
from kramar.crm import selectors, services
from kramar.crm.models import LeadRule

VIEW, ADD, CHANGE, DELETE = (
    "crm.view_leadrule",
    "crm.add_leadrule",
    "crm.change_leadrule",
    "crm.delete_leadrule",
)


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_error(form: LeadRuleForm, error: ApplicationError) -> None:
    field = error.extra.get("field")
    form.add_error(field if field in form.fields else None, str(error.message))


@office_view(VIEW)
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules in order, what each does now, and the tester (``?channel=…``)."""
    viewer = _viewer(request)
    testing = "channel" in request.GET
    tester = LeadTestForm(request.GET if testing else None)
    outcome = None
    if testing and tester.is_valid():
        outcome = services.lead_assignment(**tester.cleaned_data)
    context = {
        "rows": selectors.lead_rule_rows(viewer=viewer),
        "tester": tester,
        "outcome": outcome,
    }
    status = 400 if testing and outcome is None else 200
    return render(request, "backoffice/lead_rules/list.html", context, status=status)


@office_view(ADD)
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    form = LeadRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.lead_rule_create(actor=_viewer(request), **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Rule %(order)s added at the end of the order.") % {"order": rule.order}
            )
            return redirect("backoffice:lead-rules")
    return _form_page(request, form, rule=None)


@office_view(VIEW)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    viewer = _viewer(request)
    rule = selectors.lead_rule_get(viewer=viewer, pk=rule_id)
    if request.method == "POST" and not viewer.has_perm(CHANGE):
        raise PermissionDenied
    form = LeadRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_rule_update(actor=viewer, rule=rule, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Rule %(order)s saved.") % {"order": rule.order})
            return redirect("backoffice:lead-rules")
    return _form_page(request, form, rule=rule)


def _form_page(request: HttpRequest, form: LeadRuleForm, *, rule: LeadRule | None) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "rule": rule}
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/lead_rules/form.html", context, status=status)


@office_view(CHANGE)
@require_POST
def rule_move(request: HttpRequest, rule_id: int) -> HttpResponse:
    """One place up (tried earlier) or down."""
    viewer = _viewer(request)
    rule = selectors.lead_rule_get(viewer=viewer, pk=rule_id)
    rows = [row.rule.pk for row in selectors.lead_rule_rows(viewer=viewer)]
    step = -1 if request.POST.get("direction") == "up" else 1
    services.lead_rule_move(actor=viewer, rule=rule, position=rows.index(rule.pk) + 1 + step)
    return redirect("backoffice:lead-rules")


@office_view(CHANGE)
@require_POST
def rule_active(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Switch a rule off (kept, skipped) or on again."""
    viewer = _viewer(request)
    rule = selectors.lead_rule_get(viewer=viewer, pk=rule_id)
    active = request.POST.get("is_active") == "1"
    services.lead_rule_update(actor=viewer, rule=rule, is_active=active)
    if active:
        messages.success(request, _("Rule %(order)s is on.") % {"order": rule.order})
    else:
        messages.success(request, _("Rule %(order)s is off.") % {"order": rule.order})
    return redirect("backoffice:lead-rules")


@office_view(DELETE)
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    viewer = _viewer(request)
    rule = selectors.lead_rule_get(viewer=viewer, pk=rule_id)
    services.lead_rule_delete(actor=viewer, rule=rule)
    messages.success(request, _("Rule %(order)s deleted.") % {"order": rule.order})
    return redirect("backoffice:lead-rules")
