from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from stridewell.insights.questions import answer_all
from stridewell.lib.http import AuthedRequest


@login_required
def insights_page(request: AuthedRequest) -> HttpResponse:
    return render(request, "insights/insights.html", {"insights": answer_all(request.user)})
