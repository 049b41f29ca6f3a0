"""ASGI entry point."""

import os
import sys

from django.core.asgi import get_asgi_application

from config.env import SettingsError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    application = get_asgi_application()
except SettingsError as error:
    sys.stderr.write(f"kramar: configuration error: {error}\n")
    sys.exit(2)
