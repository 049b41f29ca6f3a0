import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.MAIL_FROM = "Kramar <crm@kramar.test>"
