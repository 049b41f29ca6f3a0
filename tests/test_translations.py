"""The back office and the shop speak Ukrainian (the default) and English: no string is left out."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[1] / "kramar/locale/uk/LC_MESSAGES/django.po"


def test_the_ukrainian_catalogue_has_no_untranslated_or_fuzzy_message():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("GNU gettext's msgfmt is needed (Debian package gettext)")
    done = subprocess.run(
        [msgfmt, "--check-format", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "untranslated" not in done.stderr
    assert "fuzzy" not in done.stderr
