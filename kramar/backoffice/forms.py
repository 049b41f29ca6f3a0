from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class OfficeAuthenticationForm(AuthenticationForm):
    """Sign-in to the back office: staff members only."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is wrong."),
        "not_staff": _("This account has no access to the back office."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff or not user.has_perm("accounts.access_office"):
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class SecondFactorCodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
