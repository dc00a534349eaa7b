"""Stories ("Running for Solace"): the one set of functions the pages and the API both call.

A story mentioning suicide or self-harm is held for a moderator (see
:mod:`stridewell.community.safety`); so is a published story edited to mention
it. A held story stays held when edited (only a moderator releases it), and a
hidden one stays hidden, so editing is never a way around moderation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from stridewell.community import ratelimit
from stridewell.community.cheers import cheer_counts
from stridewell.community.comments import comment_counts
from stridewell.community.markup import plain_text, render
from stridewell.community.models import Membership, Status, Story
from stridewell.community.posting import (
    Byline,
    PostingError,
    clean_text,
    ensure_can_post,
    sees_real_author,
    story_byline,
)
from stridewell.community.safety import needs_review
from stridewell.community.visibility import visible_stories
from stridewell.runs.models import Visibility

__all__ = [
    "StoryCard",
    "StoryInput",
    "by_author",
    "cards",
    "create_story",
    "delete_story",
    "edit_story",
    "list_stories",
    "own_story",
    "visible_story",
]

MAX_TITLE = 160
MAX_BODY = 20_000
MAX_WARNING = 200
MAX_TAGS = 8
MAX_TAG_LENGTH = 30


@dataclass
class StoryInput:
    """What a person writes; ``tags`` may be a list or one comma-separated string."""

    title: str = ""
    body: str = ""
    anonymous: bool = False
    content_warning: str = ""
    tags: Sequence[str] | str = ()
    visibility: str = Visibility.PRIVATE
    group_ids: Sequence[int] = ()

    @classmethod
    def of(cls, story: Story) -> StoryInput:
        return cls(
            title=story.title,
            body=story.body,
            anonymous=story.anonymous,
            content_warning=story.content_warning,
            tags=list(story.tags),
            visibility=story.visibility,
            group_ids=[group.pk for group in story.groups.all()],
        )


def clean_tags(tags: Sequence[str] | str) -> list[str]:
    """Lower-case, hyphenated, at most :data:`MAX_TAGS`: ``"Mental Health, parkrun"`` →
    ``["mental-health", "parkrun"]``."""
    words = tags.split(",") if isinstance(tags, str) else tags
    cleaned: list[str] = []
    for word in words:
        tag = slugify(word)[:MAX_TAG_LENGTH].strip("-")
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise PostingError(f"Up to {MAX_TAGS} tags, please (you have {len(cleaned)}).")
    return cleaned


def _my_groups(author: Any, wanted: Iterable[int]) -> list[int]:
    ids = {int(pk) for pk in wanted}
    mine = set(
        Membership.objects.filter(user_id=author.pk, group_id__in=ids).values_list(
            "group_id", flat=True
        )
    )
    if ids - mine:
        raise PostingError("You can share a story only with groups you are in.")
    return sorted(ids)


def _checked(author: Any, data: StoryInput) -> tuple[dict[str, Any], list[int]]:
    if data.visibility not in Visibility.values:
        raise PostingError("Choose who can read it: only me, my buddies, my groups or everyone.")
    fields = {
        "title": clean_text(data.title, what="title", max_length=MAX_TITLE),
        "body": clean_text(data.body, what="story", max_length=MAX_BODY),
        "content_warning": clean_text(
            data.content_warning, what="content note", max_length=MAX_WARNING, required=False
        ),
        "tags": clean_tags(data.tags),
        "anonymous": bool(data.anonymous),
        "visibility": data.visibility,
    }
    # No groups picked means "all my groups" (see visibility.py).
    groups = _my_groups(author, data.group_ids) if data.visibility == Visibility.GROUPS else []
    return fields, groups


def _flagged(fields: dict[str, Any]) -> bool:
    words = (fields["title"], fields["content_warning"], fields["body"], " ".join(fields["tags"]))
    return needs_review("\n".join(words))


def create_story(author: Any, data: StoryInput) -> Story:
    """Post a story; held for a moderator when it mentions suicide or self-harm."""
    ensure_can_post(author)
    fields, group_ids = _checked(author, data)
    ratelimit.check(Story.objects.filter(author_id=author.pk), "story")
    status = Status.HELD if _flagged(fields) else Status.PUBLISHED
    with transaction.atomic():
        story = Story.objects.create(author=author, status=status, **fields)
        story.groups.set(group_ids)
    return story


def edit_story(author: Any, story: Story, data: StoryInput) -> Story:
    """Change one's own story; a published one is checked again (and held if need be)."""
    if story.author_id != author.pk:
        raise Http404("No such story")
    ensure_can_post(author)
    fields, group_ids = _checked(author, data)
    for name, value in fields.items():
        setattr(story, name, value)
    if story.status == Status.PUBLISHED and _flagged(fields):
        story.status = Status.HELD
    with transaction.atomic():
        story.save()
        story.groups.set(group_ids)
    return story


def delete_story(author: Any, story: Story) -> None:
    if story.author_id != author.pk:
        raise Http404("No such story")
    story.delete()


def own_story(author: Any, story_id: int) -> Story:
    return get_object_or_404(Story, pk=story_id, author_id=author.pk)


def visible_story(viewer: Any, story_id: int) -> Story:
    """The story if ``viewer`` may see it; 404 otherwise (its existence is not revealed)."""
    return get_object_or_404(visible_stories(viewer).select_related("author__profile"), pk=story_id)


def list_stories(viewer: Any, tag: str = "") -> QuerySet[Story]:
    """Stories ``viewer`` may see, newest first, optionally with one tag."""
    stories = visible_stories(viewer).select_related("author__profile")
    tag = slugify(tag)
    if tag:
        # Tags are slugs, so the quoted tag matches one whole tag in the JSON list
        # (a JSON "contains" lookup is not available on SQLite).
        stories = stories.filter(tags__icontains=f'"{tag}"')
    return stories.order_by("-created_at", "-pk")


def by_author(viewer: Any, author: Any) -> QuerySet[Story]:
    """A person's stories as ``viewer`` sees them: never the anonymous ones, unless it's
    the author or a site moderator looking (a profile page must not unmask them)."""
    stories = list_stories(viewer).filter(author_id=author.pk)
    signed_in = viewer is not None and viewer.is_authenticated
    if not (signed_in and (viewer.pk == author.pk or viewer.is_staff)):
        stories = stories.filter(anonymous=False)
    return stories


# --------------------------------------------------------------------------- #
# What a page or the API shows of a story
# --------------------------------------------------------------------------- #


@dataclass
class StoryCard:
    story: Story
    byline: Byline
    is_mine: bool
    sees_author: bool
    cheers: int = 0
    comments: int = 0
    cheered: bool = False
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def html(self) -> str:
        return render(self.story.body, headings=True)


def _excerpt(story: Story, words: int = 40) -> str:
    # A story behind a content note shows no excerpt: the reader chooses to open it.
    if story.content_warning:
        return ""
    text = plain_text(story.body).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")


def cards(viewer: Any, stories: Iterable[Story]) -> list[StoryCard]:
    """Stories with their byline and counts as ``viewer`` may see them (two queries in all)."""
    stories = list(stories)
    counts = cheer_counts(viewer, stories=stories)
    comments = comment_counts(viewer, stories=stories)
    signed_in = viewer is not None and viewer.is_authenticated
    return [
        StoryCard(
            story=story,
            byline=story_byline(viewer, story),
            is_mine=signed_in and story.author_id == viewer.pk,
            sees_author=sees_real_author(viewer, story),
            cheers=counts.total.get(story.pk, 0),
            cheered=story.pk in counts.mine,
            comments=comments.get(story.pk, 0),
            excerpt=_excerpt(story),
            tags=list(story.tags),
        )
        for story in stories
    ]
