"""Demo data of the personal site: the similarity tables computed from the demo orders (which
buy in families, see orders/demo.py), as the nightly job would."""

from __future__ import annotations

from typing import Any

from kramar.personal.enums import SimilarityKind
from kramar.personal.services import similarity_rebuild


def work_units(scale_name: str) -> int:
    return 1


def seed(context: Any) -> list[tuple[str, str, str]]:
    similarity_rebuild(kind=SimilarityKind.BOUGHT)
    context.progress(1)
    return []
