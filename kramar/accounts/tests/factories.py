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
