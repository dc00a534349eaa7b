"""Comments on runs and stories, with replies one level deep and a little Markdown.

Anyone who can see a run or story may comment on it (404 otherwise — so a
person I blocked cannot comment on my things). A reply to a reply attaches to
the top comment, so a thread never grows deeper than one level.

Notifications name who commented and on what — "Sam commented on your run
“Morning loop”" — and never quote the comment: a comment can hold something
sensitive, and notifications can reach an email digest or a lock screen. A held
comment tells nobody until a moderator approves it (then :func:`announce` runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404

from stridewell.community import ratelimit
from stridewell.community.cheers import (
    on_target,
    owner_id,
    target_of,
    target_url,
    target_words,
)
from stridewell.community.markup import render
from stridewell.community.models import Comment, Kind, Status, Story
from stridewell.community.notify import notify
from stridewell.community.posting import (
    Byline,
    clean_text,
    comment_byline,
    ensure_can_post,
)
from stridewell.community.safety import needs_review
from stridewell.community.visibility import can_view, comments_on_visible, visible_comments
from stridewell.runs.models import Run

__all__ = [
    "CommentView",
    "add_comment",
    "announce",
    "comment_counts",
    "comments_on",
    "delete_comment",
    "thread",
    "visible_comment",
]

MAX_COMMENT = 4000


def _parent(viewer: Any, target: Run | Story, parent_id: int | None) -> Comment | None:
    if not parent_id:
        return None
    parent = visible_comments(viewer).filter(pk=parent_id, **on_target(target)).first()
    if parent is None:
        raise Http404("No such comment")
    # One level deep: answering a reply answers the comment it belongs to.
    return parent.parent if parent.parent_id else parent


def add_comment(
    author: Any,
    body: str,
    *,
    run: Run | None = None,
    story: Story | None = None,
    parent_id: int | None = None,
) -> Comment:
    """Comment on (or reply within) a run or story ``author`` can see."""
    target = target_of(run, story)
    if not can_view(author, target):
        raise Http404("Nothing to comment on here")
    ensure_can_post(author)
    text = clean_text(body, what="comment", max_length=MAX_COMMENT)
    parent = _parent(author, target, parent_id)
    ratelimit.check(Comment.objects.filter(author_id=author.pk), "comment")
    status = Status.HELD if needs_review(text) else Status.PUBLISHED
    comment = Comment.objects.create(
        author=author, body=text, parent=parent, status=status, **on_target(target)
    )
    if status == Status.PUBLISHED:
        announce(comment)
    return comment


def _target(comment: Comment) -> Run | Story:
    return target_of(comment.run, comment.story)


def announce(comment: Comment) -> None:
    """Tell the owner of the run or story, and for a reply the parent's author."""
    target = _target(comment)
    url = f"{target_url(target)}#comment-{comment.pk}"
    told = {comment.author_id}
    recipients = [(target.user if isinstance(target, Run) else target.author, "on")]
    if comment.parent is not None:
        recipients.append((comment.parent.author, "reply"))
    for recipient, why in recipients:
        if recipient.pk in told or not can_view(recipient, comment):
            continue
        told.add(recipient.pk)
        byline = comment_byline(recipient, comment)
        if why == "on":
            text = f"{byline.name} commented on {target_words(target)}"
        else:
            text = f"{byline.name} replied to your comment on “{target.title}”"
        # An anonymous author is not named as the actor either (can_view above did the block check).
        notify(recipient, Kind.COMMENT, text, url, None if byline.anonymous else comment.author)


def visible_comment(viewer: Any, comment_id: int) -> Comment:
    found = (
        visible_comments(viewer)
        .select_related("run", "story", "author__profile")
        .filter(pk=comment_id)
        .first()
    )
    if found is None:
        raise Http404("No such comment")
    return found


def can_delete(viewer: Any, comment: Comment) -> bool:
    """The author, or the owner of the run or story it is on."""
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk in (comment.author_id, owner_id(_target(comment)))


def delete_comment(viewer: Any, comment_id: int) -> Run | Story:
    """Delete a comment (and its replies); answers what it was on."""
    comment = visible_comment(viewer, comment_id)
    if not can_delete(viewer, comment):
        raise PermissionDenied(
            "Only the person who wrote a comment, or the owner of what it is on, can delete it."
        )
    target = _target(comment)
    comment.delete()
    return target


def comments_on(viewer: Any, target: Run | Story) -> QuerySet[Comment]:
    """Comments on ``target`` that ``viewer`` sees, oldest first."""
    # The target is checked once, by its key, instead of inside the comments' query,
    # where every visible run and story of the viewer would be gathered to match it.
    if not can_view(viewer, target):
        return Comment.objects.none()
    return (
        comments_on_visible(viewer)
        .filter(**on_target(target))
        .select_related("author__profile", "story", "run")
        .order_by("created_at", "pk")
    )


@dataclass
class CommentView:
    comment: Comment
    byline: Byline
    mine: bool
    can_delete: bool
    replies: list[CommentView] = field(default_factory=list)

    @property
    def html(self) -> str:
        return render(self.comment.body)

    @property
    def held(self) -> bool:
        return self.comment.status != Status.PUBLISHED


def thread(viewer: Any, target: Run | Story) -> list[CommentView]:
    """Top comments with their replies. A reply whose comment ``viewer`` cannot see (held,
    hidden, or by someone blocked) is shown on its own, without saying what it answered."""
    signed_in = viewer is not None and viewer.is_authenticated
    views: dict[int, CommentView] = {}
    top: list[CommentView] = []
    for comment in comments_on(viewer, target):
        view = CommentView(
            comment=comment,
            byline=comment_byline(viewer, comment),
            mine=signed_in and comment.author_id == viewer.pk,
            can_delete=can_delete(viewer, comment),
        )
        views[comment.pk] = view
        parent = views.get(comment.parent_id or 0)
        (parent.replies if parent else top).append(view)
    return top


def comment_counts(
    viewer: Any,
    *,
    runs: Iterable[Run] = (),
    stories: Iterable[Story] = (),
    blocked: tuple[int, ...] | None = None,
) -> dict[int, int]:
    """How many comments ``viewer`` sees on each of these runs *or* stories, by id.

    The runs or stories are ones the caller found through the visibility rule (every
    caller shows them), so only the comments' own rule is applied here: checking the
    targets again cost more than the rest of a stories page together."""
    column = "run_id" if runs else "story_id"
    ids = [obj.pk for obj in (runs or stories)]
    if not ids:
        return {}
    rows = (
        comments_on_visible(viewer, blocked)
        .filter(**{f"{column}__in": ids})
        .values(column)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row[column]: row["n"] for row in rows}
