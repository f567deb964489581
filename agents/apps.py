from django.apps import AppConfig
from django.core import checks


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents"

    def ready(self) -> None:
        from .demo_account import check_no_account_has_the_demo_password

        checks.register(check_no_account_has_the_demo_password, checks.Tags.security)
