"""Fixtures of the returns tests."""

import pytest


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """These tests read the pages' messages in the words of the code (English); the Ukrainian
    pages are the same templates (tests/test_translations.py keeps every string translated)."""
    settings.LANGUAGE_CODE = "en"
