"""GET /api/v1/insights: the person's own questions answered, nobody else's."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from stridewell.insights.cache import cached_answers
from stridewell.insights.core import Insight
from stridewell.lib.http import AuthedRequest

router = Router(tags=["insights"])


class InsightOut(Schema):
    id: str
    question: str
    verdict: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    unit: str
    sentence: str
    needed: str
    note: str
    chart: dict[str, Any]


class InsightsOut(Schema):
    questions: list[InsightOut]


def insight_json(insight: Insight) -> dict[str, Any]:
    keys = (
        "id",
        "question",
        "verdict",
        "effect",
        "ci_low",
        "ci_high",
        "n",
        "unit",
        "sentence",
        "needed",
        "note",
        "chart",
    )
    return {key: getattr(insight, key) for key in keys}


@router.get("/insights", response=InsightsOut)
def insights(request: AuthedRequest) -> dict[str, Any]:
    return {"questions": [insight_json(i) for i in cached_answers(request.user).insights]}
