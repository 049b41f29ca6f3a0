"""Factories that build people through the accounts services, as the application does."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import Department, User
from kramar.accounts.services import customer_register, staff_create


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"department-{n}")
    name = factory.Sequence(lambda n: f"Department {n}")
    kind = DepartmentKind.SALES


class StaffFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@kramar.test")
    full_name = factory.Faker("name", locale="uk_UA")
    roles = factory.LazyFunction(lambda: [Role.SALES_MANAGER])
    department = factory.SubFactory(DepartmentFactory)
    password = "correct-horse-battery-staple"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return staff_create(**kwargs)


class CustomerFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"customer{n}@example.test")
    full_name = factory.Faker("name", locale="uk_UA")
    password = "correct-horse-battery-staple"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return customer_register(**kwargs)


def enable_totp(user: User, *, at=None) -> tuple[str, list[str]]:
    """Switch sign-in codes on for ``user`` as the set-up page does; return (secret, codes).

    The set-up is confirmed with the code of a minute before ``at`` (now), so that the code of
    the current step is still unused and signs in.
    """
    from datetime import timedelta

    from django.utils import timezone

    from kramar.accounts import selectors, totp
    from kramar.accounts.services import totp_enrol_begin, totp_enrol_confirm

    earlier = (at or timezone.now()) - timedelta(minutes=1)
    totp_enrol_begin(user=user)
    secret = selectors.totp_enrolment_secret(user=user)
    codes = totp_enrol_confirm(user=user, code=totp.code_at(secret, earlier), now=earlier)
    user.refresh_from_db()
    return secret, codes
