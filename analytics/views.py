from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from business.models import Business

from .charts import bar_chart
from .figures import usage_figures

PERIODS = (7, 30, 90)


@login_required(login_url="admin:login")
def usage(request: HttpRequest, slug: str) -> HttpResponse:
    """A business's usage figures, for its own staff (Membership) and for superusers."""
    business = get_object_or_404(Business, slug=slug)
    user = request.user
    if not (user.is_superuser or user.is_authenticated and business.memberships.filter(user=user).exists()):
        # The same answer as for a business that does not exist: staff cannot learn other businesses' slugs.
        raise Http404("No such business")
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
