"""A client's personal offer on the office client card (issue 6 item 5, M7)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.backoffice.personal_forms import PersonalOfferForm
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError
from kramar.personal import services


@office_view("clients.change_client")
@require_POST
def personal_offer(request: HttpRequest, client_id: int) -> HttpResponse:
    """Set or withdraw the offer; a discount above the limit goes to a head for approval."""
    actor: User = request.user  # type: ignore[assignment]
    client = client_get(viewer=actor, pk=client_id)
    form = PersonalOfferForm(request.POST)
    try:
        if form.is_valid() and form.cleaned_data["withdraw"]:
            services.offer_remove(actor=actor, client=client)
            messages.success(request, _("The personal offer is withdrawn."))
        elif form.is_valid():
            data = form.cleaned_data
            approval = services.offer_set(
                actor=actor, client=client, percent=data["percent"], message=data["message"],
                valid_until=data["valid_until"],
            )  # fmt: skip
            messages.success(
                request,
                _("Offer saved; the discount waits for a head's approval.")
                if approval
                else _("Offer saved."),
            )
        else:
            messages.error(request, _("Check the offer: a date and a discount from 0 to 100."))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("backoffice:client-detail", client_id=client.pk)
