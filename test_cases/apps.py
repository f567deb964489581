from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestCasesConfig(AppConfig):
    name = "test_cases"
    verbose_name = _("Test cases")
