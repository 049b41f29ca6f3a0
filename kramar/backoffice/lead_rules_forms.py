"""Forms of the lead rules page: a rule, and the "who would get it" tester (M6, M8, M12)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kramar.accounts.models import User
from kramar.backoffice.catalog_forms import GroupField
from kramar.catalog.selectors import group_tree
from kramar.clients.models import Region
from kramar.crm.enums import LeadChannel
from kramar.crm.models import LeadRule
from kramar.crm.selectors import lead_rule_departments, lead_rule_managers


class ManagerField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        department = obj.department.name if obj.department else "—"
        return f"{obj} ({department})"


class _Conditions(forms.Form):
    """What a lead is matched on: blank matches anything."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Any channel")), *LeadChannel.choices],
        required=False,
    )
    region = forms.ModelChoiceField(
        label=_("Client's region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("Any region"),
    )
    product_group = GroupField(
        label=_("Product group"),
        required=False,
        blank=_("Any product group"),
        help_text=_("Also matches the groups below it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(GroupField, self.fields["product_group"]).use_tree(group_tree())


class LeadRuleForm(_Conditions):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=lead_rule_departments(),
        required=False,
        empty_label="—",
        help_text=_("Its least loaded sales manager gets the lead."),
    )
    manager = ManagerField(
        label=_("Manager"),
        queryset=lead_rule_managers(),
        required=False,
        empty_label="—",
        help_text=_("Or one person, who gets every lead of the rule."),
    )
    note = forms.CharField(
        label=_("What the rule is for"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Wholesale quotes go to the B2B desk")}
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, rule: LeadRule | None = None, **kwargs: Any) -> None:
        if rule is not None:
            kwargs.setdefault(
                "initial",
                {
                    "channel": rule.channel,
                    "region": rule.region_id,
                    "product_group": rule.product_group_id,
                    "department": rule.department_id,
                    "manager": rule.manager_id,
                    "note": rule.note,
                    "is_active": rule.is_active,
                },
            )
        super().__init__(*args, **kwargs)


class LeadTestForm(_Conditions):
    """A lead as the tester imagines it: no client yet, so no client's own manager."""

    channel = forms.ChoiceField(label=_("Channel"), choices=LeadChannel.choices)
