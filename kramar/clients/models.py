"""The one client record shared by the shop and the CRM, and its timeline (DESIGN.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.clients.enums import ClientKind, ClientSource, CompanySize, PhoneKind, TimelineKind
from kramar.core.models import TimeStampedModel


class Region(models.Model):
    """A region of sale (an oblast, a country): one of the slices of M18."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """A client company's industry: one of the slices of M18."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60)
    key = models.CharField(max_length=60, unique=True, editable=False)  # case-folded name

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Client(TimeStampedModel):
    """A buyer, supplier or partner (M5): a person or a company, one record per real party."""

    kind = models.CharField(_("kind"), max_length=10, choices=ClientKind.choices)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    # Case-folded copies kept by the services: SQLite's LIKE folds only ASCII, and Ukrainian
    # names must match whatever their case on every database.
    name_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    search_text = models.CharField(max_length=460, editable=False, default="")
    # A person's name in parts (the display name is built from them).
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    middle_name = models.CharField(_("patronymic"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    # A company's legal identity.
    legal_name = models.CharField(_("legal name"), max_length=255, blank=True)
    registration_code = models.CharField(
        _("registration code"), max_length=20, blank=True, help_text=_("ЄДРПОУ or tax number")
    )
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices, blank=True)
    # A person may be a contact of a company.
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        related_name="contacts",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"kind": ClientKind.COMPANY},
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)

    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True
    )
    is_customer = models.BooleanField(_("customer"), default=True)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_partner = models.BooleanField(_("partner"), default=False)
    source = models.CharField(
        _("source"), max_length=20, choices=ClientSource.choices, default=ClientSource.MANUAL
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="clients", blank=True)

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        related_name="managed_clients",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The manager's department when the client was assigned: the rights and the numbers of a
    # department stay with it even if the manager later moves.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        related_name="clients",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-owners"),
        related_name="co_owned_clients",
        blank=True,
    )
    # The shop account of this client, if they have one ("one record, never a copy").
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shop account"),
        related_name="client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        related_name="merged_from",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    deleted_at = models.DateTimeField(
        _("in the recycle bin since"), null=True, blank=True, db_index=True
    )
    # A person's erasure on request (clients.services.client_erase): the record stays, anonymous,
    # for the sales documents the law makes the shop keep.
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to the recycle bin by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = AuditedManager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["manager", "name"], name="clients_manager_name_idx"),
            models.Index(fields=["department", "name"], name="clients_department_name_idx"),
        ]
        permissions = [
            (
                "view_all_clients",
                _("May see every client, not only one's own or one's department's"),
            ),
            ("reassign_client", _("May change a client's responsible manager")),
            ("merge_clients", _("May merge duplicate clients")),
            ("restore_client", _("May restore clients from the recycle bin")),
            ("erase_client", _("May erase a person's data on their request")),
            ("export_personal_data", _("May export a person's data on their request")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return self.kind == ClientKind.COMPANY


class ClientEmail(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), related_name="emails", on_delete=models.CASCADE
    )
    email = models.EmailField(_("e-mail"), max_length=254, db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    objects = AuditedManager()

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [
            models.UniqueConstraint(fields=["client", "email"], name="clients_email_per_client")
        ]

    def __str__(self) -> str:
        return self.email


class ClientPhone(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), related_name="phones", on_delete=models.CASCADE
    )
    number = models.CharField(_("number (E.164)"), max_length=20, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    objects = AuditedManager()

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="clients_phone_per_client")
        ]

    def __str__(self) -> str:
        return self.number


class TimelineEntry(models.Model):
    """One thing that happened with a client (M11, M14): every app writes here, all staff read."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), related_name="timeline", on_delete=models.CASCADE
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    summary = models.CharField(_("summary"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["client", "-occurred_at", "-id"], name="clients_timeline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"


class SavedView(models.Model):
    """A named set of client-list filters that one person keeps for themselves (issue 4, M4).

    ``filters`` holds the arguments of :func:`kramar.clients.selectors.client_list` (only the
    names in ``SAVED_VIEW_FILTERS``), checked by the service that writes it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        related_name="client_views",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=80)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved client view")
        verbose_name_plural = _("saved client views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="clients_view_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
