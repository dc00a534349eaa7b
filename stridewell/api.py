"""/api/v1: token (Bearer) or session authentication, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from stridewell.accounts.models import ApiToken
from stridewell.api_errors import StridewellAPI
from stridewell.community.api_groups import router as groups_router
from stridewell.community.api_people import router as people_router
from stridewell.community.api_stories import router as stories_router
from stridewell.insights.api import router as insights_router
from stridewell.insights.api_experiments import router as experiments_router
from stridewell.insights.api_report import router as insights_report_router
from stridewell.lib.security import record_bad_token, token_guessing_blocked
from stridewell.runs.api import router as runs_router
from stridewell.steps.api import router as steps_router
from stridewell.wellbeing.api import router as wellbeing_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Tokens are too long to guess, but an address that keeps failing is refused outright.
        if token_guessing_blocked(request):
            raise HttpError(429, "Too many failed tokens from this address. Try again later.")
        found = ApiToken.objects.authenticate(token)
        if found is None:
            record_bad_token(request)
            return None
        request.user = found.user
        return found.user


api = StridewellAPI(
    title="Stridewell API",
    version="1",
    description="Runs and how you feel, side by side. Authenticate with `Authorization: Bearer <token>` (make one under Settings).",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)
api.add_router("/", runs_router)
api.add_router("/", wellbeing_router)
api.add_router("/", insights_router)
api.add_router("/", experiments_router)
api.add_router("/", insights_report_router)
api.add_router("/", groups_router)
api.add_router("/", stories_router)
api.add_router("/", people_router)
api.add_router("/", steps_router)
