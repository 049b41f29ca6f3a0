"""Back-office pages: they parse input, call selectors and services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.accounts import selectors, services
from kramar.accounts.sign_in import SecondFactorLoginMixin
from kramar.accounts.views import set_language_cookie
from kramar.backoffice.decorators import office_view
from kramar.backoffice.forms import ApiTokenForm, OfficeAuthenticationForm
from kramar.core.errors import ApplicationError, NotFoundError


class OfficeLoginView(SecondFactorLoginMixin):
    """Sign-in to the back office, opening in the language the person chose last time.

    Staff with sign-in codes go on to the code step (``security.sign_in_code``) instead.
    """

    authentication_form = OfficeAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        return set_language_cookie(response, form.get_user().language)


@office_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "roles": sorted(selectors.user_roles(user), key=lambda r: r.label),  # type: ignore[arg-type]
            "departments": selectors.departments_visible_to(viewer=user),  # type: ignore[arg-type]
        },
    )


@office_view("accounts.view_user")
def staff(request: HttpRequest) -> HttpResponse:
    members = selectors.staff_list(viewer=request.user)  # type: ignore[arg-type]
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/staff.html", {"page": page})


@office_view("accounts.use_api_tokens")
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                user=user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ApplicationError as error:
            form.add_error(error.extra.get("field"), str(error.message))
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": selectors.api_token_list(user=user),  # type: ignore[arg-type]
    }
    refused = request.method == "POST" and new_token is None
    return render(request, "backoffice/tokens.html", context, status=400 if refused else 200)


@office_view("accounts.use_api_tokens")
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    except ApplicationError as error:
        if isinstance(error, NotFoundError):
            raise  # someone else's token: "not found", as for any record one may not see
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("backoffice:tokens")
