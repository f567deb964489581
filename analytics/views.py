from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from console.access import business_or_404

from .charts import bar_chart
from .figures import usage_figures

PERIODS = (7, 30, 90)


@login_required
def usage(request: HttpRequest, slug: str) -> HttpResponse:
    """A business's usage figures, for its own staff and operators (Membership) and for superusers."""
    business = business_or_404(request, slug)
    days = int(request.GET["days"]) if request.GET.get("days") in {str(period) for period in PERIODS} else 30
    figures = usage_figures(business, days)
    day_labels = [day.strftime("%d %b") for day in figures.days]
    context = {
        "business": business,
        "days": days,
        "periods": PERIODS,
        "figures": figures,
        "conversations_chart": bar_chart(
            day_labels, figures.conversations_per_day, "Conversations per day", max(1, days // 7)
        ),
        "messages_chart": bar_chart(day_labels, figures.messages_per_day, "Messages per day", max(1, days // 7)),
        "hours_chart": bar_chart(
            [f"{hour:02d}" for hour in range(24)], figures.messages_per_hour, "Customer messages by hour", 2
        ),
    }
    return render(request, "analytics/usage.html", context)
