from django.contrib.admin.apps import AdminConfig


class KramarAdminConfig(AdminConfig):
    """Django's admin with Kramar's site: administrators only."""

    default_site = "kramar.accounts.admin_site.KramarAdminSite"
