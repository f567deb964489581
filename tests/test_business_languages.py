"""The languages a business serves: validated, imported and exported."""

import pytest
from django.core.exceptions import ValidationError

from business.interchange import BusinessFileError, export_business, import_business
from business.models import Business


def test_a_business_serves_english_by_default(db):
    business = Business.objects.create(name="Plain", slug="plain")
    assert business.languages == ["en"] and business.language == "en"


def test_the_main_language_is_the_first_served(db):
    business = Business(name="Salon", slug="salon", languages=["fr", "en"])
    business.full_clean()
    assert business.language == "fr"


@pytest.mark.parametrize("languages", [[], ["nl"], ["fr", "fr"], "fr"])
def test_languages_are_a_list_of_supported_codes_each_once(db, languages):
    with pytest.raises(ValidationError):
        Business(name="Salon", slug="salon", languages=languages).full_clean()


def test_a_business_file_carries_its_languages(db):
    business = import_business({"business": {"slug": "salon", "name": "Salon", "languages": ["fr", "en"]}})
    assert export_business(business)["business"]["languages"] == ["fr", "en"]


def test_a_business_file_with_one_language_still_imports(db):
    business = import_business({"business": {"slug": "salon", "name": "Salon", "language": "es"}})
    assert business.languages == ["es"]


def test_a_business_file_with_an_unsupported_language_is_refused(db):
    with pytest.raises(BusinessFileError, match="languages"):
        import_business({"business": {"slug": "salon", "name": "Salon", "languages": ["nl"]}})
