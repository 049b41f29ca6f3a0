"""Load the demo data of every app: ``manage.py kramar_demo --scale small|medium|large``."""

from __future__ import annotations

import importlib
import random
import sys
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from kramar.accounts.demo import SCALES


@dataclass
class DemoContext:
    """What each app's ``demo.seed`` gets: the scale, a seeded random source, a progress bar."""

    scale: str
    seed: int
    rng: random.Random
    bar: Any
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def progress(self, units: int) -> None:
        self.bar.update(units)

    def rng_for(self, key: str) -> random.Random:
        """Return a random source for ``key``: the same for a seed, whatever ran before."""
        return random.Random(f"{self.seed}:{key}")  # noqa: S311  # nosec B311


def demo_modules() -> list[Any]:
    """Return the ``demo`` modules of the installed Kramar apps, in INSTALLED_APPS order."""
    modules = []
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("kramar."):
            continue
        try:
            modules.append(importlib.import_module(f"{app_config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.demo":
                raise
    return modules


class Command(BaseCommand):
    help = "Load demo data (idempotent; deterministic for a given --seed) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, scale: str, seed: int, no_progress: bool, **options: Any) -> None:
        if scale not in SCALES:
            raise CommandError(f"unknown scale {scale!r}; use one of {', '.join(sorted(SCALES))}")
        modules = demo_modules()
        total = sum(module.work_units(scale) for module in modules if hasattr(module, "work_units"))
        with tqdm(
            total=total, desc=f"demo ({scale})", unit="rec", disable=no_progress, file=sys.stderr
        ) as bar:
            context = DemoContext(scale=scale, seed=seed, rng=random.Random(seed), bar=bar)  # noqa: S311  # nosec B311
            for module in modules:
                with transaction.atomic():
                    context.logins.extend(module.seed(context) or [])
        self.stdout.write(self.style.SUCCESS(f"Demo data ({scale}) is in place. Logins:"))
        for role, email, password in context.logins:
            self.stdout.write(f"  {role!s:<24} {email:<40} {password}")
