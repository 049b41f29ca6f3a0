from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimilarityKind(models.TextChoices):
    """Where a pair of products was seen together (docs/personal.md)."""

    BOUGHT = "bought", _("Bought together")
    VIEWED = "viewed", _("Viewed together")


class PersonalErrorCode(StrEnum):
    BAD_PERCENT = "personal.bad_percent"
    BAD_DATE = "personal.bad_date"
    EMPTY_OFFER = "personal.empty_offer"
