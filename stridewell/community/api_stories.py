"""/api/v1 for stories, comments, cheers, reports and moderation.

The same functions as the pages (stories.py, comments.py, cheers.py,
moderation.py). Anything the caller may not see answers 404, exactly like
something that does not exist. Too much too fast answers 429 with a kind
sentence; a suspended person gets 403 with an explanation; anything else the
caller can fix answers 400 with a sentence saying what.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as HttpStatus

from stridewell.api_errors import Problem
from stridewell.api_types import Bool, Id, Int, Offset
from stridewell.community import cheers, comments, moderation, stories
from stridewell.community.markup import render
from stridewell.community.models import Comment, ModerationAction, Report, Status, Story
from stridewell.community.posting import (
    HELD_MESSAGE,
    PostingError,
    Suspended,
    comment_byline,
    person,
    story_byline,
)
from stridewell.community.ratelimit import RateLimited
from stridewell.community.visibility import can_view
from stridewell.lib.http import AuthedRequest
from stridewell.runs.models import Run, Visibility

router = Router(tags=["stories"])


ERRORS: dict[int, Any] = {400: Problem, 403: Problem, 404: Problem, 429: Problem}


@contextmanager
def kindly() -> Iterator[None]:
    """Our errors as HTTP answers: 429 too fast, 403 suspended or not allowed, 400 fixable."""
    try:
        yield
    except RateLimited as exc:
        raise HttpError(429, str(exc)) from exc
    except (Suspended, PermissionDenied) as exc:
        raise HttpError(403, str(exc)) from exc
    except PostingError as exc:
        raise HttpError(400, str(exc)) from exc


class PersonOut(Schema):
    display_name: str = Field(description='"Anonymous" for an anonymous author')
    handle: str | None = Field(description="null for an anonymous author")


class StoryOut(Schema):
    id: int
    title: str
    body: str = Field(description="Markdown, as written")
    body_html: str = Field(description="The body rendered and sanitised")
    author: PersonOut
    anonymous: bool
    is_mine: bool
    content_warning: str
    tags: list[str]
    visibility: str
    group_ids: list[int] | None = Field(description="Only for the author")
    status: str = Field(description="published; for the author also held or hidden")
    notice: str | None = Field(description="For the author of a held story: what happens next")
    cheers: int
    cheered: bool
    comments: int
    created_at: datetime
    updated_at: datetime
    url: str


class StoryPage(Schema):
    count: int
    items: list[StoryOut]


class StoryIn(Schema):
    title: str = Field(max_length=stories.MAX_TITLE)
    body: str = Field(max_length=stories.MAX_BODY)
    anonymous: Bool = False
    content_warning: str = Field(default="", max_length=stories.MAX_WARNING)
    tags: list[str] = Field(default_factory=list, max_length=stories.MAX_TAGS)
    visibility: Visibility = Visibility.PRIVATE
    group_ids: list[Id] = Field(
        default_factory=list, description='With "groups": which of my groups (none: all of them)'
    )


class StoryPatch(Schema):
    title: str | None = Field(default=None, max_length=stories.MAX_TITLE)
    body: str | None = Field(default=None, max_length=stories.MAX_BODY)
    anonymous: Bool | None = None
    content_warning: str | None = Field(default=None, max_length=stories.MAX_WARNING)
    tags: list[str] | None = Field(default=None, max_length=stories.MAX_TAGS)
    visibility: Visibility | None = None
    group_ids: list[Id] | None = None


class StoryFilters(Schema):
    tag: str = ""
    limit: int = Field(default=20, ge=1, le=100)
    offset: Offset = 0


class CommentOut(Schema):
    id: int
    body: str
    body_html: str
    author: PersonOut
    parent_id: int | None = Field(description="The top comment this replies to")
    status: str = Field(description="published; for its author also held or hidden")
    notice: str | None
    is_mine: bool
    can_delete: bool
    created_at: datetime


class CommentIn(Schema):
    body: str = Field(max_length=comments.MAX_COMMENT)
    parent_id: Id | None = None


class CheersOut(Schema):
    cheers: int
    cheered: bool


class ReportIn(Schema):
    story_id: Id | None = None
    comment_id: Id | None = None
    user_id: Id | None = None
    reason: str = Field(max_length=moderation.MAX_REASON)


class ReportOut(Schema):
    id: int
    state: str
    message: str


class QueueReport(Schema):
    id: int
    reason: str
    created_at: datetime


class QueueItemOut(Schema):
    type: str = Field(description="story, comment or user")
    id: int
    status: str | None
    title: str | None
    body_html: str | None
    author: PersonOut
    reports: list[QueueReport]


class ActionIn(Schema):
    action: str = Field(
        description="approve, hide, restore, warn, suspend, unsuspend or dismiss",
        json_schema_extra={"enum": [a for a in ModerationAction.Action.values if a != "remove"]},
    )
    story_id: Id | None = None
    comment_id: Id | None = None
    user_id: Id | None = None
    report_id: Id | None = None
    note: str = ""
    days: Int = Field(default=7, ge=1, le=moderation.MAX_SUSPENSION_DAYS)


class ActionOut(Schema):
    id: int
    action: str
    story_id: int | None
    comment_id: int | None
    user_id: int | None
    report_id: int | None
    note: str
    created_at: datetime


# --------------------------------------------------------------------------- #
# Stories
# --------------------------------------------------------------------------- #


def story_json(viewer: Any, card: stories.StoryCard) -> dict[str, Any]:
    story = card.story
    held = card.is_mine and story.status == Status.HELD
    return {
        "id": story.pk,
        "title": story.title,
        "body": story.body,
        "body_html": card.html,
        "author": card.byline.as_dict(),
        "anonymous": story.anonymous,
        "is_mine": card.is_mine,
        "content_warning": story.content_warning,
        "tags": card.tags,
        "visibility": story.visibility,
        "group_ids": [g.pk for g in story.groups.all()] if card.is_mine else None,
        "status": story.status,
        "notice": HELD_MESSAGE if held else None,
        "cheers": card.cheers,
        "cheered": card.cheered,
        "comments": card.comments,
        "created_at": story.created_at,
        "updated_at": story.updated_at,
        "url": f"/stories/{story.pk}/",
    }


def _one(viewer: Any, story: Story) -> dict[str, Any]:
    return story_json(viewer, stories.cards(viewer, [story])[0])


def _story_input(payload: StoryIn | StoryPatch, base: stories.StoryInput) -> stories.StoryInput:
    for name, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            setattr(base, name, value)
    return base


@router.get("/stories", response=StoryPage)
def list_stories(request: AuthedRequest, filters: Query[StoryFilters]) -> dict[str, Any]:
    found = stories.list_stories(request.user, filters.tag)
    page = list(found[filters.offset : filters.offset + filters.limit])
    items = [story_json(request.user, card) for card in stories.cards(request.user, page)]
    return {"count": found.count(), "items": items}


@router.post("/stories", response={201: StoryOut, **ERRORS})
def create_story(request: AuthedRequest, payload: StoryIn) -> HttpStatus[dict[str, Any]]:
    with kindly():
        story = stories.create_story(request.user, _story_input(payload, stories.StoryInput()))
    return HttpStatus(201, _one(request.user, story))


@router.get("/stories/{story_id}", response={200: StoryOut, 404: Problem})
def get_story(request: AuthedRequest, story_id: int) -> dict[str, Any]:
    return _one(request.user, stories.visible_story(request.user, story_id))


@router.patch("/stories/{story_id}", response={200: StoryOut, **ERRORS})
def update_story(request: AuthedRequest, story_id: int, payload: StoryPatch) -> dict[str, Any]:
    story = stories.own_story(request.user, story_id)
    with kindly():
        data = _story_input(payload, stories.StoryInput.of(story))
        story = stories.edit_story(request.user, story, data)
    return _one(request.user, story)


@router.delete("/stories/{story_id}", response={204: None, 404: Problem})
def delete_story(request: AuthedRequest, story_id: int) -> HttpStatus[None]:
    stories.delete_story(request.user, stories.own_story(request.user, story_id))
    return HttpStatus(204, None)


# --------------------------------------------------------------------------- #
# Comments
# --------------------------------------------------------------------------- #


def comment_json(viewer: Any, comment: Comment) -> dict[str, Any]:
    mine = comment.author_id == viewer.pk
    return {
        "id": comment.pk,
        "body": comment.body,
        "body_html": render(comment.body),
        "author": comment_byline(viewer, comment).as_dict(),
        "parent_id": comment.parent_id,
        "status": comment.status,
        "notice": HELD_MESSAGE if mine and comment.status == Status.HELD else None,
        "is_mine": mine,
        "can_delete": comments.can_delete(viewer, comment),
        "created_at": comment.created_at,
    }


def _visible_run(request: AuthedRequest, run_id: int) -> Run:
    run = get_object_or_404(Run.objects.without_streams(), pk=run_id)
    if not can_view(request.user, run):
        raise Http404
    return run


def _comments_on(request: AuthedRequest, target: Run | Story) -> list[dict[str, Any]]:
    return [comment_json(request.user, c) for c in comments.comments_on(request.user, target)]


def _comment_on(
    request: AuthedRequest, target: Run | Story, payload: CommentIn
) -> HttpStatus[dict[str, Any]]:
    with kindly():
        made = comments.add_comment(
            request.user, payload.body, parent_id=payload.parent_id, **cheers.on_target(target)
        )
    return HttpStatus(201, comment_json(request.user, made))


@router.get("/stories/{story_id}/comments", response={200: list[CommentOut], 404: Problem})
def story_comments(request: AuthedRequest, story_id: int) -> list[dict[str, Any]]:
    return _comments_on(request, stories.visible_story(request.user, story_id))


@router.post("/stories/{story_id}/comments", response={201: CommentOut, **ERRORS})
def comment_on_story(
    request: AuthedRequest, story_id: int, payload: CommentIn
) -> HttpStatus[dict[str, Any]]:
    return _comment_on(request, stories.visible_story(request.user, story_id), payload)


@router.get("/runs/{run_id}/comments", response={200: list[CommentOut], 404: Problem})
def run_comments(request: AuthedRequest, run_id: int) -> list[dict[str, Any]]:
    return _comments_on(request, _visible_run(request, run_id))


@router.post("/runs/{run_id}/comments", response={201: CommentOut, **ERRORS})
def comment_on_run(
    request: AuthedRequest, run_id: int, payload: CommentIn
) -> HttpStatus[dict[str, Any]]:
    return _comment_on(request, _visible_run(request, run_id), payload)


@router.delete("/comments/{comment_id}", response={204: None, 403: Problem, 404: Problem})
def delete_comment(request: AuthedRequest, comment_id: int) -> HttpStatus[None]:
    with kindly():
        comments.delete_comment(request.user, comment_id)
    return HttpStatus(204, None)


# --------------------------------------------------------------------------- #
# Cheers
# --------------------------------------------------------------------------- #


def _cheers(request: AuthedRequest, target: Run | Story, on: bool) -> dict[str, Any]:
    with kindly():
        (cheers.cheer if on else cheers.uncheer)(request.user, **cheers.on_target(target))
    count, cheered = cheers.cheers_on(request.user, target)
    return {"cheers": count, "cheered": cheered}


@router.post("/runs/{run_id}/cheers", response={200: CheersOut, **ERRORS})
def cheer_run(request: AuthedRequest, run_id: int) -> dict[str, Any]:
    return _cheers(request, _visible_run(request, run_id), True)


@router.delete("/runs/{run_id}/cheers", response={200: CheersOut, 404: Problem})
def uncheer_run(request: AuthedRequest, run_id: int) -> dict[str, Any]:
    return _cheers(request, _visible_run(request, run_id), False)


@router.post("/stories/{story_id}/cheers", response={200: CheersOut, **ERRORS})
def cheer_story(request: AuthedRequest, story_id: int) -> dict[str, Any]:
    return _cheers(request, stories.visible_story(request.user, story_id), True)


@router.delete("/stories/{story_id}/cheers", response={200: CheersOut, 404: Problem})
def uncheer_story(request: AuthedRequest, story_id: int) -> dict[str, Any]:
    return _cheers(request, stories.visible_story(request.user, story_id), False)


# --------------------------------------------------------------------------- #
# Reports and moderation
# --------------------------------------------------------------------------- #


def _report_target(viewer: Any, payload: ReportIn) -> dict[str, Any]:
    given = [v for v in (payload.story_id, payload.comment_id, payload.user_id) if v is not None]
    if len(given) != 1:
        raise HttpError(400, "Give one of story_id, comment_id or user_id.")
    if payload.story_id is not None:
        return {"story": stories.visible_story(viewer, payload.story_id)}
    if payload.comment_id is not None:
        return {"comment": comments.visible_comment(viewer, payload.comment_id)}
    return {"user": get_object_or_404(get_user_model(), pk=payload.user_id, is_active=True)}


@router.post("/reports", response={201: ReportOut, **ERRORS})
def create_report(request: AuthedRequest, payload: ReportIn) -> HttpStatus[dict[str, Any]]:
    target = _report_target(request.user, payload)
    with kindly():
        report = moderation.file_report(request.user, payload.reason, **target)
    message = (
        "Thank you for telling us. A moderator will look at it; nobody is told who reported it."
    )
    return HttpStatus(201, {"id": report.pk, "state": report.state, "message": message})


def queue_json(viewer: Any, item: moderation.QueueItem) -> dict[str, Any]:
    obj = item.obj
    shown = {
        "story": lambda: (obj.title, render(obj.body, headings=True), obj.status),
        "comment": lambda: (None, render(obj.body), obj.status),
        "user": lambda: (None, None, None),
    }[item.kind]()
    if item.kind == "user":
        author = person(obj)
    else:
        author = story_byline(viewer, obj) if item.kind == "story" else comment_byline(viewer, obj)
    reports = [{"id": r.pk, "reason": r.reason, "created_at": r.created_at} for r in item.reports]
    return {
        "type": item.kind,
        "id": obj.pk,
        "title": shown[0],
        "body_html": shown[1],
        "status": shown[2],
        "author": author.as_dict(),
        "reports": reports,
    }


@router.get("/moderation/queue", response={200: list[QueueItemOut], 404: Problem})
def moderation_queue(request: AuthedRequest) -> list[dict[str, Any]]:
    return [queue_json(request.user, item) for item in moderation.queue(request.user)]


def _action_targets(payload: ActionIn) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, model in (
        ("report", Report),
        ("story", Story),
        ("comment", Comment),
        ("user", get_user_model()),
    ):
        pk = getattr(payload, f"{key}_id")
        if pk is not None:
            found[key] = get_object_or_404(model, pk=pk)
    return found


@router.post("/moderation/actions", response={201: ActionOut, **ERRORS})
def moderation_action(request: AuthedRequest, payload: ActionIn) -> HttpStatus[ModerationAction]:
    if not moderation.can_moderate(request.user):
        raise Http404
    with kindly():
        done = moderation.act(
            request.user,
            payload.action,
            note=payload.note,
            days=payload.days,
            **_action_targets(payload),
        )
    return HttpStatus(201, done)
