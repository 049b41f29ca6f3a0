"""Forms of the client pages; they parse input, the clients services decide."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from kramar.accounts.models import Department, User
from kramar.accounts.selectors import departments_visible_to, staff_list
from kramar.clients.enums import ClientKind, ClientSource, TimelineKind
from kramar.clients.models import Client, Industry, Region
from kramar.clients.selectors import clients_visible_to


class ClientForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ClientKind.choices, initial=ClientKind.PERSON,
        widget=forms.RadioSelect,
    )  # fmt: skip
    first_name = forms.CharField(label=_("First name"), max_length=80, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    name = forms.CharField(
        label=_("Company name"), max_length=200, required=False,
        help_text=_("For a company; a person's name is made of the parts above."),
    )  # fmt: skip
    legal_name = forms.CharField(label=_("Legal name"), max_length=255, required=False)
    registration_code = forms.CharField(label=_("ЄДРПОУ"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=ClientSource.choices, initial=ClientSource.MANUAL
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    is_customer = forms.BooleanField(label=_("Customer"), required=False, initial=True)
    is_supplier = forms.BooleanField(label=_("Supplier"), required=False)
    is_partner = forms.BooleanField(label=_("Partner"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    # Where a service's error about a field shows on this form.
    SERVICE_FIELDS = {"emails": "email", "phones": "phone", "name": "name", "company": None}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ClientKind.PERSON and not (
            data.get("first_name") or data.get("last_name")
        ):
            self.add_error("first_name", _("Give the person's first or last name."))
        if data.get("kind") == ClientKind.COMPANY and not data.get("name"):
            self.add_error("name", _("Give the company's name."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments = {
            key: data[key]
            for key in (
                "kind", "first_name", "last_name", "legal_name", "registration_code", "region",
                "industry", "source", "is_customer", "is_supplier", "is_partner", "notes",
            )
        }  # fmt: skip
        if data["kind"] == ClientKind.COMPANY:
            arguments["name"] = data["name"]
        arguments["emails"] = [data["email"]] if data["email"] else []
        arguments["phones"] = [data["phone"]] if data["phone"] else []
        arguments["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        return arguments


class ClientFilterForm(forms.Form):
    """The client list's filters; ``selector_filters`` turns them into client_list arguments."""

    search = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ClientKind.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All")), ("customer", _("Customers")), ("supplier", _("Suppliers")),
                 ("partner", _("Partners"))],
    )  # fmt: skip
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False
    )
    manager = forms.ModelChoiceField(
        label=_("Responsible manager"), queryset=User.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    silent_days = forms.IntegerField(
        label=_("No contact for days"), required=False, min_value=0, max_value=36_500
    )
    ordering = forms.ChoiceField(
        label=_("Order by"),
        required=False,
        choices=[("name", _("Name")), ("-name", _("Name, backwards")),
                 ("last_contact", _("Longest without contact")),
                 ("-last_contact", _("Latest contact")), ("-created", _("Newest"))],
    )  # fmt: skip

    # Form field -> argument of clients.selectors.client_list (the saved views keep the latter).
    RECORDS = {"region": "region_id", "industry": "industry_id", "manager": "manager_id",
               "department": "department_id"}  # fmt: skip

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = cast(forms.ModelChoiceField, self.fields["manager"])
        manager.queryset = staff_list(viewer=viewer)
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = departments_visible_to(viewer=viewer)

    def selector_filters(self) -> dict[str, Any]:
        """Return the valid, non-empty filters as keyword arguments of client_list."""
        if not self.is_valid():
            return {}
        filters: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            if name in self.RECORDS:
                filters[self.RECORDS[name]] = value.pk
            else:
                filters[name] = value
        return filters

    @classmethod
    def query_for(cls, filters: dict[str, Any]) -> str:
        """Return the list's query string for client_list arguments, in one canonical order."""
        fields = {argument: field for field, argument in cls.RECORDS.items()}
        return urlencode(sorted((fields.get(name, name), value) for name, value in filters.items()))


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=80)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=300)


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("Show"), required=False, choices=TimelineKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip


class ReassignForm(forms.Form):
    """Clients to hand over and their new manager: only clients and staff the head may see."""

    clients = forms.ModelMultipleChoiceField(queryset=Client.objects.none())
    manager = forms.ModelChoiceField(label=_("New manager"), queryset=User.objects.none())

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = cast(forms.ModelMultipleChoiceField, self.fields["clients"])
        clients.queryset = clients_visible_to(viewer=viewer)
        manager = cast(forms.ModelChoiceField, self.fields["manager"])
        manager.queryset = staff_list(viewer=viewer).filter(is_active=True)
