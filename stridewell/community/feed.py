"""The feed: what my buddies and the members of my groups share, newest first.

Only what the one visibility rule lets me see (``visible_runs`` /
``visible_stories``), and only from people I am connected to: a stranger's public
post is not pushed at me. My own posts are in it too, so the feed is never empty
on the day I join and I see what I shared as others do.

Paging is by cursor (the last item's time, kind and id), so a page costs the same
few queries however much there is: my relations and circle, runs, stories, the
authors' cards, the feeling pairs when a run shares how its owner felt, and the
cheers and visible comments on the page's runs and on its stories.

Anonymous stories never carry their author: not in the item, its link or its
cursor. Someone else's anonymous story is in my feed only when its audience
already says it came from my buddies or groups; a public one stays on the
stories page, where it does not stand out as "someone I know".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet

from stridewell.community.cheers import CheerCounts, cheer_counts
from stridewell.community.comments import comment_counts
from stridewell.community.markup import plain_text
from stridewell.community.models import Membership, Story
from stridewell.community.people import Card, cards
from stridewell.community.sharing import Feeling, shared_feelings
from stridewell.community.visibility import Relations, relations, visible_runs, visible_stories
from stridewell.runs.models import Run, Visibility

__all__ = ["FeedError", "FeedItem", "FeedPage", "feed_page"]

PAGE_SIZE = 20
# The order of the two kinds when two items share a moment (descending).
RUN, STORY = 0, 1
KINDS = {RUN: "run", STORY: "story"}


class FeedError(ValueError):
    """A cursor that is not one of ours."""


@dataclass
class FeedItem:
    kind: str
    id: int
    at: datetime
    title: str
    url: str
    author: Card | None  # None: an anonymous story by someone else
    mine: bool
    cheers: int
    comments: int
    cheered: bool = False
    # Runs
    sport: str = ""
    sport_label: str = ""
    run_type: str = ""
    type_label: str = ""
    distance_m: float | None = None
    elapsed_s: float | None = None
    numbers_hidden: bool = False
    feeling: Feeling | None = None
    # Stories
    anonymous: bool = False
    content_warning: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def author_name(self) -> str:
        return self.author.name if self.author else "Anonymous"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "at": self.at.isoformat(),
            "title": self.title,
            "url": self.url,
            "author": self.author.as_dict() if self.author else None,
            "mine": self.mine,
            "cheers": self.cheers,
            "cheered": self.cheered,
            "comments": self.comments,
        }
        if self.kind == "run":
            data |= {
                "sport": self.sport,
                "run_type": self.run_type,
                "distance_m": self.distance_m,
                "elapsed_s": self.elapsed_s,
                "numbers_hidden": self.numbers_hidden,
                "feeling": self.feeling.as_dict() if self.feeling else None,
            }
        else:
            data |= {
                "anonymous": self.anonymous,
                "content_warning": self.content_warning,
                "excerpt": self.excerpt,
                "tags": self.tags,
            }
        return data


@dataclass
class FeedPage:
    items: list[FeedItem]
    next_cursor: str | None


# --------------------------------------------------------------------------- #
# Cursor: "<microseconds since 1970>.<kind>.<id>" of the last item shown
# --------------------------------------------------------------------------- #


def _cursor(item: FeedItem) -> str:
    kind = RUN if item.kind == "run" else STORY
    return f"{int(item.at.timestamp() * 1_000_000)}.{kind}.{item.id}"


def _parse(cursor: str | None) -> tuple[datetime, int, int] | None:
    if not cursor:
        return None
    try:
        micros, kind, pk = (int(part) for part in cursor.split("."))
        at = datetime.fromtimestamp(micros / 1_000_000, UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise FeedError("That page link is not one we made; start from the newest.") from exc
    if kind not in KINDS:
        raise FeedError("That page link is not one we made; start from the newest.")
    return at, kind, pk


def _older(cursor: tuple[datetime, int, int] | None, at_field: str, kind: int) -> Q:
    """Items after the cursor in (time, kind, id) descending order."""
    if cursor is None:
        return Q()
    at, c_kind, c_pk = cursor
    earlier = Q(**{f"{at_field}__lt": at})
    if kind < c_kind:
        return earlier | Q(**{at_field: at})
    if kind == c_kind:
        return earlier | Q(**{at_field: at, "pk__lt": c_pk})
    return earlier


# --------------------------------------------------------------------------- #
# The page
# --------------------------------------------------------------------------- #


# Up to this many people in my circle are named in the query, so the database reads
# their runs and stories by owner; a larger circle is a subquery, and the newest rows
# are scanned until enough are mine to see (quick then: many rows are).
CIRCLE_NAMED = 1000
# What a feed item shows of a run (its laps, sessions and streams can be large).
RUN_FIELDS = ("user_id", "start", "sport", "name", "share_feeling", "run_type", "distance_m",
              "elapsed_s")  # fmt: skip


def _co_members(rel: Relations) -> QuerySet[Membership]:
    """Memberships of everyone in a group with me (me included)."""
    return Membership.objects.filter(group_id__in=rel.groups)


def _circle(viewer: Any, rel: Relations, owner: str, named: list[int] | None) -> Q:
    """Me, my buddies and the members of my groups."""
    if named is not None:
        return Q(**{f"{owner}__in": named})
    return (
        Q(**{owner: viewer.pk})
        | Q(**{f"{owner}__in": rel.buddies})
        | Q(**{f"{owner}__in": _co_members(rel).values("user_id")})
    )


def _named_circle(viewer: Any, rel: Relations) -> list[int] | None:
    """My circle's ids when it is small (one query), else None.

    As a subquery PostgreSQL cannot tell a circle of three from one of thousands, and
    for someone with three buddies it scanned all 600,000 runs of a 100,000-person
    community newest first (3.5 s) looking for theirs.
    """
    co_members = _co_members(rel).order_by().values_list("user_id", flat=True).distinct()
    ids = set(co_members[: CIRCLE_NAMED + 1]) | set(rel.buddies)
    return sorted(ids | {viewer.pk}) if len(ids) <= CIRCLE_NAMED else None


def _runs(
    viewer: Any, rel: Relations, cursor: Any, size: int, named: list[int] | None
) -> list[Run]:
    runs = (
        visible_runs(viewer, rel)
        .filter(_circle(viewer, rel, "user_id", named), _older(cursor, "start", RUN))
        .only(*RUN_FIELDS)
        .order_by("-start", "-pk")
    )
    return list(runs[:size])


def _stories(
    viewer: Any, rel: Relations, cursor: Any, size: int, named: list[int] | None
) -> list[Story]:
    others_anonymous_public = Q(anonymous=True, visibility=Visibility.PUBLIC) & ~Q(
        author_id=viewer.pk
    )
    stories = (
        visible_stories(viewer, rel)
        .filter(_circle(viewer, rel, "author_id", named), _older(cursor, "created_at", STORY))
        .exclude(others_anonymous_public)
        .order_by("-created_at", "-pk")
    )
    return list(stories[:size])


@dataclass
class _Counts:
    """Cheers (and mine) and comments on the runs and stories of one page."""

    cheers: CheerCounts
    comments: dict[int, int]

    @classmethod
    def on(cls, viewer: Any, rel: Relations, objs: list[Run] | list[Story]) -> _Counts:
        kind = "runs" if objs and isinstance(objs[0], Run) else "stories"
        targets: dict[str, Any] = {kind: objs, "blocked": rel.blocked}
        return cls(cheer_counts(viewer, **targets), comment_counts(viewer, **targets))


def feed_page(viewer: Any, cursor: str | None = None, size: int = PAGE_SIZE) -> FeedPage:
    """One page of ``viewer``'s feed, after ``cursor`` (from the page before), newest first."""
    after = _parse(cursor)
    rel = relations(viewer)
    named = _named_circle(viewer, rel)
    runs = _runs(viewer, rel, after, size + 1, named)
    stories = _stories(viewer, rel, after, size + 1, named)
    merged = sorted(
        [(run.start, RUN, run.pk, run) for run in runs]
        + [(story.created_at, STORY, story.pk, story) for story in stories],
        key=lambda row: (row[0], row[1], row[2]),
        reverse=True,
    )
    shown = [row[3] for row in merged[:size]]
    shown_runs = [obj for obj in shown if isinstance(obj, Run)]
    shown_stories = [obj for obj in shown if isinstance(obj, Story)]
    authors = cards([run.user_id for run in shown_runs] + [s.author_id for s in shown_stories])
    feelings = shared_feelings(
        [run for run in shown_runs if run.share_feeling or run.user_id == viewer.pk]
    )
    on_runs = _Counts.on(viewer, rel, shown_runs)
    on_stories = _Counts.on(viewer, rel, shown_stories)
    items = [
        _run_item(viewer, obj, authors, feelings, on_runs)
        if isinstance(obj, Run)
        else _story_item(viewer, obj, authors, on_stories)
        for obj in shown
    ]
    more = len(merged) > size
    return FeedPage(items, _cursor(items[-1]) if more and items else None)


def _run_item(
    viewer: Any, run: Run, authors: dict[int, Card], feelings: dict[int, Feeling], counts: _Counts
) -> FeedItem:
    author = authors.get(run.user_id) or Card(run.user_id, "Runner", "")
    mine = run.user_id == viewer.pk
    hidden = author.hides_numbers and not mine
    # Every run here passed visible_runs(viewer), so feeling_visible(viewer, run)
    # comes down to "mine, or its owner ticked share how I felt".
    feeling = feelings.get(run.pk) if mine or run.share_feeling else None
    return FeedItem(
        kind="run",
        id=run.pk,
        at=run.start,
        title=run.title,
        url=f"/runs/{run.pk}/",
        author=author,
        mine=mine,
        cheers=counts.cheers.total.get(run.pk, 0),
        cheered=run.pk in counts.cheers.mine,
        comments=counts.comments.get(run.pk, 0),
        sport=run.sport,
        sport_label=run.get_sport_display(),
        run_type=run.run_type,
        type_label=run.type_label,
        distance_m=None if hidden else run.distance_m,
        elapsed_s=None if hidden else run.elapsed_s,
        numbers_hidden=hidden,
        feeling=feeling,
    )


def _story_item(viewer: Any, story: Story, authors: dict[int, Card], counts: _Counts) -> FeedItem:
    mine = story.author_id == viewer.pk
    shown_author = None if story.anonymous and not mine else authors.get(story.author_id)
    return FeedItem(
        kind="story",
        id=story.pk,
        at=story.created_at,
        title=story.title,
        url=f"/stories/{story.pk}/",
        author=shown_author,
        mine=mine,
        cheers=counts.cheers.total.get(story.pk, 0),
        cheered=story.pk in counts.cheers.mine,
        comments=counts.comments.get(story.pk, 0),
        anonymous=story.anonymous,
        content_warning=story.content_warning,
        excerpt=_excerpt(story),
        tags=list(story.tags or []),
    )


def _excerpt(story: Story, words: int = 40) -> str:
    """The story's opening words as plain text; none behind a content note (as stories.py)."""
    if story.content_warning:
        return ""
    text = plain_text(story.body).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")
