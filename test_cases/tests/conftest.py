import pytest

from business.models import Business, FaqEntry
from test_cases.models import Case, CaseTurn

OPEN_LATE = {day: [["09:00", "22:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


@pytest.fixture
def shop(business: Business) -> Business:
    """The corner shop, open late from Monday to Saturday, delivering for a price."""
    business.opening_hours = OPEN_LATE
    business.save()
    FaqEntry.objects.create(
        business=business, question="Do you deliver?", answer="Yes, we deliver within 5 km for 3.50 EUR."
    )
    return business


@pytest.fixture
def delivery_case(shop: Business) -> Case:
    """One judged turn whose expectation no reply meets: the shop never said 7.77."""
    case = Case.objects.create(business=shop, name="Delivery price")
    CaseTurn.objects.create(case=case, text="Do you deliver?", must_contain="3.50\n7.77", language="en")
    return case
