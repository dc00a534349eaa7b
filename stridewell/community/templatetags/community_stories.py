"""Comments and cheers for any run or story page: ``{% include "community/_comments.html" %}``
with ``run`` (or ``story``) and ``viewer`` in the context asks these tags for the rest."""

from __future__ import annotations

from typing import Any

from django import template

from stridewell.community.cheers import cheers_on, owner_id, target_of, target_url
from stridewell.community.comments import MAX_COMMENT, thread
from stridewell.community.markup import render
from stridewell.community.models import Story
from stridewell.community.posting import (
    comment_byline,
    person,
    story_byline,
    suspension_message,
)
from stridewell.runs.models import Run

register = template.Library()


def _target(run: Any, story: Any) -> Run | Story:
    # Templates pass "" for a name that is not in the context.
    return target_of(run or None, story or None)


@register.simple_tag
def comment_thread(viewer: Any, run: Any = None, story: Any = None) -> dict[str, Any]:
    target = _target(run, story)
    items = thread(viewer, target)
    signed_in = viewer is not None and viewer.is_authenticated
    suspended = suspension_message(viewer)
    kind = "run" if isinstance(target, Run) else "story"
    return {
        "target": target,
        "kind": kind,
        "dom_id": f"comments-{kind}-{target.pk}",
        "items": items,
        "count": sum(1 + len(item.replies) for item in items),
        "post_url": f"{target_url(target)}comments/",
        "signed_in": signed_in,
        "can_comment": signed_in and not suspended,
        "suspended": suspended,
        "max_length": MAX_COMMENT,
    }


@register.simple_tag
def cheer_state(viewer: Any, run: Any = None, story: Any = None) -> dict[str, Any]:
    target = _target(run, story)
    kind = "run" if isinstance(target, Run) else "story"
    signed_in = viewer is not None and viewer.is_authenticated
    count, cheered = cheers_on(viewer, target)
    is_owner = signed_in and owner_id(target) == viewer.pk
    return {
        "target": target,
        "dom_id": f"cheer-{kind}-{target.pk}",
        "count": count,
        "cheered": cheered,
        "url": f"{target_url(target)}cheer/",
        "can_cheer": signed_in and not is_owner and not suspension_message(viewer),
        "is_owner": is_owner,
    }


@register.simple_tag
def moderation_view(item: Any, viewer: Any) -> dict[str, Any]:
    """A queue item's author as this moderator may see them, and its body rendered safely."""
    if item.kind == "story":
        return {
            "byline": story_byline(viewer, item.obj),
            "html": render(item.obj.body, headings=True),
        }
    if item.kind == "comment":
        return {"byline": comment_byline(viewer, item.obj), "html": render(item.obj.body)}
    return {"byline": person(item.obj), "html": ""}
