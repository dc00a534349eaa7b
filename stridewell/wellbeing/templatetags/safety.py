"""``{% load safety %}{% my_safety_plan as plan %}``: the signed-in person's own plan, decrypted.

Used on the "I need help now" page, which must always render: a plan that cannot be
decrypted is logged and left out rather than breaking the page.
"""

from __future__ import annotations

import logging
from typing import Any

from django import template

from stridewell.lib.crypto import NoteDecryptError
from stridewell.wellbeing import safety

register = template.Library()
log = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def my_safety_plan(context: template.Context) -> safety.PlanContents | None:
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        return safety.load(user)
    except (NoteDecryptError, ValueError, KeyError, TypeError):
        log.exception("Safety plan of user %s could not be read", user.pk)
        return None
