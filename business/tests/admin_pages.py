"""What a staff member's browser would post back from an admin page, read from the page's own forms."""

from __future__ import annotations

from typing import Any

from django import forms


def form_fields(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(bound.field.widget, forms.MultiWidget):
            parts = bound.field.widget.decompress(value)
            for suffix, part in zip(bound.field.widget.widgets_names, parts, strict=True):
                data[bound.html_name + suffix] = "" if part is None else str(part)
        elif isinstance(bound.field, forms.MultipleChoiceField):
            data[bound.html_name] = list(value or [])
        elif value is not None:
            data[bound.html_name] = value
    return data


def page_data(page: Any) -> dict[str, Any]:
    """The change page's fields and inline rows as they are shown, ready to be changed and posted."""
    data = form_fields(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= form_fields(formset.management_form)
        for form in formset.forms:
            data |= form_fields(form)
    return data
