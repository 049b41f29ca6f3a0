"""Visitors of the shop, what they did, and what the CRM keeps of it (M6, M9, M11).

Raw events are kept ``TRACKING_RETENTION_DAYS``; a visit (a session: one visitor's events with
gaps under ``TRACKING_SESSION_GAP``) is folded into a :class:`SiteSession` that stays.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kramar.tracking.enums import EventKind, FollowUpChannel, WebFormKind

TOUCH_FIELDS = (
    "source",
    "medium",
    "campaign",
    "term",
    "content",
    "gclid",
    "fbclid",
    "referrer",
    "landing_page",
)


class Visitor(models.Model):
    """One browser that accepted tracking; its id is the signed first-party cookie's value."""

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        related_name="site_visitors",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    identified_at = models.DateTimeField(_("identified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        permissions = [
            ("export_site_data", _("Can export what the site recorded of a client")),
            ("erase_site_data", _("Can erase what the site recorded of a client")),
        ]

    def __str__(self) -> str:
        return self.id


class Event(models.Model):
    """One thing a visitor did; written in one bulk INSERT at the end of the response."""

    visitor = models.ForeignKey(
        Visitor, verbose_name=_("visitor"), related_name="events", on_delete=models.CASCADE
    )
    session = models.CharField(_("session"), max_length=32, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("time"))
    path = models.CharField(_("page"), max_length=300)
    referrer = models.CharField(_("referrer"), max_length=300, blank=True)
    landing_page = models.CharField(_("landing page"), max_length=300, blank=True)
    source = models.CharField(_("UTM source"), max_length=100, blank=True)
    medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    term = models.CharField(_("UTM term"), max_length=100, blank=True)
    content = models.CharField(_("UTM content"), max_length=100, blank=True)
    gclid = models.CharField("gclid", max_length=200, blank=True)
    fbclid = models.CharField("fbclid", max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    is_bot = models.BooleanField(_("bot"), default=False)

    class Meta:
        verbose_name = _("site event")
        verbose_name_plural = _("site events")
        indexes = [
            models.Index(fields=["visitor", "occurred_at"], name="tracking_event_visitor_time"),
            models.Index(fields=["occurred_at"], name="tracking_event_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


class SiteSession(models.Model):
    """One visit folded from its events; kept after the raw events are purged."""

    visitor = models.ForeignKey(
        Visitor,
        verbose_name=_("visitor"),
        related_name="sessions",
        on_delete=models.CASCADE,
    )
    key = models.CharField(_("session"), max_length=32, unique=True)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        related_name="site_sessions",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    landing_page = models.CharField(_("landing page"), max_length=300, blank=True)
    referrer = models.CharField(_("referrer"), max_length=300, blank=True)
    source = models.CharField(_("UTM source"), max_length=100, blank=True)
    medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    on_timeline = models.BooleanField(_("on the timeline"), default=False)

    class Meta:
        verbose_name = _("site session")
        verbose_name_plural = _("site sessions")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["client", "-started_at"], name="tracking_session_client")]

    def __str__(self) -> str:
        return self.key


class Touches(models.Model):
    """A first and a last touch: how someone came to the site (UTM, click ids, referrer,
    landing page; ``TOUCH_FIELDS``) and when."""

    first = models.JSONField(_("first touch"), default=dict)
    first_at = models.DateTimeField(_("first touch at"), null=True)
    last = models.JSONField(_("last touch"), default=dict)
    last_at = models.DateTimeField(_("last touch at"), null=True)

    class Meta:
        abstract = True


class ClientTouch(Touches):
    """The first and the last way a client came to the site (M9), kept current."""

    client = models.OneToOneField(
        "clients.Client",
        verbose_name=_("client"),
        related_name="site_touch",
        on_delete=models.CASCADE,
        primary_key=True,
    )

    class Meta:
        verbose_name = _("client's touches")
        verbose_name_plural = _("clients' touches")

    def __str__(self) -> str:
        return str(self.client_id)


class DealTouch(Touches):
    """How the client had come to the site when this lead/deal was opened from it (M6, M9).

    Frozen at that moment: later visits move the client's last touch, never the deal's, so a
    campaign is credited with the leads it brought (first touch) and the visit that converted
    (last touch).
    """

    deal = models.OneToOneField(
        "crm.Deal",
        verbose_name=_("deal"),
        related_name="site_touch",
        on_delete=models.CASCADE,
        primary_key=True,
    )

    class Meta:
        verbose_name = _("deal's touches")
        verbose_name_plural = _("deals' touches")

    def __str__(self) -> str:
        return str(self.deal_id)


class OrderTouch(Touches):
    """How the buyer had come to the site when the order was placed, frozen then (M6, M9)."""

    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        related_name="site_touch",
        on_delete=models.CASCADE,
        primary_key=True,
    )

    class Meta:
        verbose_name = _("order's touches")
        verbose_name_plural = _("orders' touches")

    def __str__(self) -> str:
        return str(self.order_id)


class WebFormSubmission(models.Model):
    """A form sent from the shop: the client it became and the lead it opened (M6, M8)."""

    kind = models.CharField(_("form"), max_length=20, choices=WebFormKind.choices)
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    deal = models.ForeignKey(
        "crm.Deal",
        verbose_name=_("deal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class CartFollowUp(models.Model):
    """An abandoned cart followed up once: a manager's activity or a reminder e-mail."""

    cart = models.OneToOneField(
        "cart.Cart", verbose_name=_("cart"), on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=FollowUpChannel.choices)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("abandoned cart follow-up")
        verbose_name_plural = _("abandoned cart follow-ups")

    def __str__(self) -> str:
        return f"{self.cart_id} {self.channel}"
