"""Times in the admin as the business's staff live them: in the business's timezone, and saying which.

The database holds UTC, and the admin showed it unlabelled: a 14:05 booking in Paris read 13:05. Lists show
each row's time in its own business's zone with the zone's name; a change page runs in the business's zone,
so that a time typed there is the business's local time, and labels its time fields with the zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.db import models
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from .locale_format import short_moment
from .models import Business

if TYPE_CHECKING:  # django-stubs is a development dependency only
    from django_stubs_ext import StrOrPromise


def business_time(moment: datetime | None, business: Business) -> str:
    """ "12/1/26, 1:00 PM (Europe/Paris)": a time with the zone it is read in."""
    if moment is None:
        return "-"
    return f"{short_moment(moment.astimezone(ZoneInfo(business.timezone)))} ({business.timezone})"


def business_of(obj: Model, path: str) -> Business:
    """The business reached from `obj` through a lookup path such as "conversation__business"."""
    for step in path.split("__") if path else []:
        obj = getattr(obj, step)
    assert isinstance(obj, Business)
    return obj


def business_time_column(field: str, description: StrOrPromise, business_path: str = "business") -> Callable[..., str]:
    """A list column (or read-only field) showing the model's `field` in its business's timezone."""

    @admin.display(description=description, ordering=field)
    def column(model_admin: Any, obj: Model) -> str:
        return business_time(getattr(obj, field), business_of(obj, business_path))

    return column


class InBusinessTime:
    """A model admin whose change pages read and write times in the page's business's timezone."""

    tenant_path: str

    def _page_business(self, request: HttpRequest, object_id: str | None) -> Business | None:
        if object_id:
            obj = self.get_object(request, admin.utils.unquote(object_id))  # type: ignore[attr-defined]
            return business_of(obj, self.tenant_path) if obj else None
        if self.tenant_path != "business":
            return None
        chosen = request.POST.get("business") or self.get_changeform_initial_data(request).get("business")  # type: ignore[attr-defined]
        return Business.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        business = self._page_business(request, object_id)
        zone = ZoneInfo(business.timezone) if business else timezone.get_default_timezone()
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
            # A page is rendered after the view returns: rendered here, its times are still in the zone.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if isinstance(db_field, models.DateTimeField) and field is not None:
            zone = timezone.get_current_timezone_name()
            field.help_text = gettext("In %(zone)s time, the business's timezone.") % {"zone": zone}
        return field
