"""Prices as staff type them in the admin: read in the business's own locale, and a big change asked twice.

A number box (`<input type=number>`) lets the browser read "1,60" by the browser's locale, and an English one
made it 160; a text box sends what was typed, and Babel reads it as the business's main language writes
numbers, or the form says it cannot.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from babel import Locale
from babel.numbers import NumberFormatError, format_currency, format_decimal, get_group_symbol, parse_decimal
from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .languages import DEFAULT_LANGUAGES, SUPPORTED_LANGUAGES
from .models import Business

# A new price more than this many times the old one, or less than its this-th part, is asked twice.
PLAUSIBLE_FACTOR = 5
CONFIRM_SUFFIX = "_confirm"


def business_locale(business: Business | None) -> Locale:
    return Locale.parse(business.language if business else DEFAULT_LANGUAGES[0])


def parse_price(text: str, locale: Locale) -> Decimal:
    """ "1,60" in French or German is 1.60; "1,60" in English is refused (NumberFormatError), never 160."""
    group = get_group_symbol(locale=locale)
    if group.isspace():
        # French groups thousands with a no-break space, which nobody types: any space stands for it.
        text = " ".join(text.split()).replace(" ", group)
    return parse_decimal(text.strip(), locale=locale, strict=True)


def write_price(amount: Decimal, locale: Locale) -> str:
    return format_decimal(amount, format="0.00", locale=locale)


class PriceInput(forms.TextInput):
    """A text box for a price; after an implausible change, followed by a checkbox that confirms it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "size": 8, "autocomplete": "off", **(attrs or {})})
        self.asks_confirmation = False

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        if not self.asks_confirmation:
            return html
        checkbox = format_html(
            ' <label class="price-confirm"><input type="checkbox" name="{}"> {}</label>',
            name + CONFIRM_SUFFIX,
            gettext("Confirm this price"),
        )
        return mark_safe(html + checkbox)


class PriceField(forms.CharField):
    """The price as typed; the form reads it once it knows the business (see `PricedForm.clean`)."""

    widget = PriceInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, **kwargs)
        self.locale = business_locale(None)

    def prepare_value(self, value: Any) -> Any:
        return write_price(value, self.locale) if isinstance(value, Decimal) else value


class PricedForm(forms.ModelForm):
    """A model form whose `price_fields` (PriceFields) are read in the business's locale."""

    price_fields: ClassVar[tuple[str, ...]] = ("price",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locale = business_locale(self._saved_business())
        for name in self.price_fields:
            self.fields[name].locale = locale  # type: ignore[attr-defined]

    def _saved_business(self) -> Business | None:
        if self.instance.business_id:
            return self.instance.business
        chosen = self.initial.get("business")
        return Business.objects.filter(pk=chosen).first() if chosen else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # An inline row's business is set on its instance only after __init__, hence asked again here.
        locale = business_locale(cleaned.get("business") or self._saved_business())
        for name in self.price_fields:
            text = cleaned.get(name)
            if text is None:
                continue
            if text == "":
                cleaned[name] = None
                continue
            try:
                amount = parse_price(text, locale)
            except NumberFormatError:
                self.add_error(name, self._unreadable(text, locale))
                continue
            cleaned[name] = amount
            self._ask_about_a_big_change(name, amount, cleaned.get("currency") or self.instance.currency, locale)
        return cleaned

    def _unreadable(self, text: str, locale: Locale) -> str:
        return gettext("“%(text)s” is not a price written in %(language)s: type it like %(example)s.") % {
            "text": text,
            "language": SUPPORTED_LANGUAGES.get(locale.language, locale.language),
            "example": write_price(Decimal("12.50"), locale),
        }

    def _ask_about_a_big_change(self, name: str, amount: Decimal, currency: str, locale: Locale) -> None:
        old = getattr(self.instance, name) if self.instance.pk else None
        if not old or old <= 0 or PLAUSIBLE_FACTOR * old >= amount >= old / PLAUSIBLE_FACTOR:
            return
        if self.data.get(self.add_prefix(name) + CONFIRM_SUFFIX):
            return
        self.fields[name].widget.asks_confirmation = True
        message = gettext(
            "The price changes from %(old)s to %(new)s, more than five times up or down. If that is right,"
            " tick “Confirm this price” and save again."
        ) % {
            "old": format_currency(old, currency, locale=locale),
            "new": format_currency(amount, currency, locale=locale),
        }
        self.add_error(name, message)
