"""The payment providers Kramar speaks to; ``settings.PAYMENT_PROVIDER`` chooses the one in use."""

from __future__ import annotations

from django.conf import settings

from kramar.payments.providers.base import PaymentProvider

PROVIDERS = ("sandbox", "stripe")


def provider_get(name: str | None = None) -> PaymentProvider:
    """Return the configured provider (or the one named, which must be configured)."""
    chosen = name or settings.PAYMENT_PROVIDER
    if chosen == "stripe":
        from kramar.payments.providers.stripe import StripeProvider

        return StripeProvider(
            secret_key=settings.STRIPE_SECRET_KEY, webhook_secret=settings.STRIPE_WEBHOOK_SECRET
        )
    if chosen == "sandbox":
        from kramar.payments.providers.sandbox import SandboxProvider

        return SandboxProvider(webhook_secret=settings.SANDBOX_WEBHOOK_SECRET)
    raise LookupError(chosen)


def provider_for_webhooks(name: str) -> PaymentProvider | None:
    """Return the provider whose webhooks we accept at ``/payments/webhooks/<name>/``: only the
    configured one, so that a shop on Stripe never takes events signed with the sandbox's
    development secret."""
    if name != settings.PAYMENT_PROVIDER or name not in PROVIDERS:
        return None
    return provider_get(name)
