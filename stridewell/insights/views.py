from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from stridewell.accounts.models import Profile
from stridewell.insights.cache import cached, cached_answers, fingerprint
from stridewell.lib.http import AuthedRequest


@login_required
def insights_page(request: AuthedRequest) -> HttpResponse:
    hide = Profile.objects.for_request(request).hide_numbers
    stamp = fingerprint(request.user)  # read once for both cached parts

    def cards() -> str:
        answers = cached_answers(request.user, stamp=stamp)
        context = {"insights": answers.insights, "timeline": answers.timeline, "hide": hide}
        return render_to_string("insights/_cards.html", context)

    # Drawing a dozen charts costs more than the statistics: keep the drawn cards too.
    return render(
        request,
        "insights/insights.html",
        {"cards": cached(request.user, f"cards:{hide}", cards, stamp)},
    )
