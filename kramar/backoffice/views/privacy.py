"""A person's privacy request in the office: their data as JSON, and its erasure (issue 6).

The rules are in ``clients.services.privacy``; these pages only ask and show. Erasing cannot be
undone, so the page says what goes and what stays, lists why it must wait if it must, and asks
the user to type the client's number before it does anything.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.clients import selectors, services
from kramar.core.errors import ApplicationError, NotFoundError


class ErasureForm(forms.Form):
    confirm = forms.CharField(
        label=gettext_lazy("Type the client's number to confirm"), max_length=20
    )
    note = forms.CharField(
        label=gettext_lazy("The person's request: when and how it came"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args: object, client_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.client_id = client_id

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip().lstrip("#")
        if value != str(self.client_id):
            raise forms.ValidationError(_("This is not the client's number."))
        return value


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view("clients.export_personal_data")
def personal_data(request: HttpRequest, client_id: int) -> HttpResponse:
    """Everything kept of the person, as a JSON file to hand to them; audited."""
    viewer = _viewer(request)
    client = selectors.client_get(viewer=viewer, pk=client_id)
    data = services.client_data_export(actor=viewer, client=client)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="kramar-client-{client.pk}.json"'
    return response


@office_view("clients.erase_client")
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, client_id: int) -> HttpResponse:
    """Ask, then erase the person's data; orders and invoices stay."""
    viewer = _viewer(request)
    client = selectors.client_get(viewer=viewer, pk=client_id)
    form = ErasureForm(request.POST or None, client_id=client.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_erase(actor=viewer, client=client, note=form.cleaned_data["note"])
        except ApplicationError as error:
            if isinstance(error, NotFoundError):
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The person's data is erased."))
            return redirect("backoffice:client-detail", client_id=client.pk)
    context = {
        "client": client,
        "form": form,
        "refusals": services.erasure_refusals(client=client),
    }
    return render(
        request,
        "backoffice/clients/erase.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
