from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "kramar.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from kramar.catalog.search import register_sqlite_functions

        # SQLite searches in Python: each new connection gets the ranking function.
        connection_created.connect(register_sqlite_functions, dispatch_uid="kramar-catalog-search")
