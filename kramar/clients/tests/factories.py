from __future__ import annotations

import factory

from kramar.clients.enums import ClientKind
from kramar.clients.models import Client
from kramar.clients.services import client_create


class ClientFactory(factory.Factory):
    """A person client, created through the service as the application does."""

    class Meta:
        model = Client

    actor = None
    kind = ClientKind.PERSON
    first_name = factory.Faker("first_name", locale="uk_UA")
    last_name = factory.Faker("last_name", locale="uk_UA")
    emails = factory.Sequence(lambda n: [f"client{n}@example.test"])
    manager = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return client_create(**kwargs)


class CompanyFactory(ClientFactory):
    kind = ClientKind.COMPANY
    first_name = ""
    last_name = ""
    name = factory.Sequence(lambda n: f"ТОВ «Компанія {n}»")
    emails = factory.Sequence(lambda n: [f"office{n}@company.test"])
