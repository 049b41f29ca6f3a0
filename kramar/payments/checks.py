"""A deploy check: the sandbox must not take the money of a shop in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def sandbox_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.PAYMENT_PROVIDER != "sandbox":
        return []
    return [
        Warning(
            "PAYMENT_PROVIDER is 'sandbox': anyone can pay for an order with a test card.",
            hint="Set PAYMENT_PROVIDER=stripe with STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
            id="payments.W001",
        )
    ]
