"""The deploy check that keeps the sandbox from taking a production shop's orders."""

from kramar.payments.checks import sandbox_in_production


def test_the_deploy_check_warns_while_the_sandbox_takes_the_payments(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    assert [message.id for message in sandbox_in_production()] == ["payments.W001"]
    settings.PAYMENT_PROVIDER = "stripe"
    assert sandbox_in_production() == []
