"""Who sees what: one rule for every page, feed, API response, export, notification and email.

The rule is written once, as query conditions, so a list, a count and a feed
can never disagree with a single page: :func:`can_view` asks the same query
about one object.

* The owner (author) always sees their own things.
* Nobody else sees anything across a block, in either direction.
* ``private``: only the owner. ``buddies``: people who accepted each other as
  buddies. ``groups``: members of the groups picked for it (none picked: all
  the owner's groups), as long as the owner is still in that group.
  ``public``: everyone signed in; anonymous visitors only when the operator
  turns public pages on (``STRIDEWELL_PUBLIC_PAGES``).
* Stories and comments waiting for a moderator, or hidden by one, are seen
  by their author only. A comment is seen by whoever sees what it is on.
* Wellbeing (check-ins, questionnaires, safety plan, experiments) is never
  seen by anyone else. The one exception is a run's before→after feeling when
  its owner ticked "share how I felt", shown with the run.

Anything not visible answers 404 (never 403), so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When

from stridewell.community.models import (
    Block,
    Buddyship,
    Comment,
    Goal,
    Group,
    GroupRun,
    Membership,
    Notification,
    Occurrence,
    RunAudience,
    Status,
    Story,
)
from stridewell.runs.models import Run, Visibility

__all__ = [
    "Relations",
    "are_buddies",
    "blocked_ids",
    "buddy_ids",
    "can_view",
    "comments_on_visible",
    "feeling_visible",
    "is_blocked",
    "not_blocked",
    "relations",
    "visible_comments",
    "visible_groups",
    "visible_runs",
    "visible_stories",
]


def _signed_in(viewer: Any) -> bool:
    return viewer is not None and viewer.is_authenticated


# --------------------------------------------------------------------------- #
# Relations between two people
# --------------------------------------------------------------------------- #


def _other(me: int, one: str, other: str) -> Case:
    """Of a pair row (``one``, ``other``), whichever side is not ``me``."""
    return Case(When(**{one: me}, then=F(other)), default=F(one))


def buddy_ids(user: Any) -> QuerySet[Any]:
    """Ids of ``user``'s accepted buddies, as a subquery.

    Read from the buddyships alone, whichever side asked (two index lookups), rather
    than joining every user to both sides, which PostgreSQL can only do in full.
    """
    return (
        Buddyship.objects.filter(
            Q(requester_id=user.pk) | Q(addressee_id=user.pk), status=Buddyship.Status.ACCEPTED
        )
        .annotate(buddy=_other(user.pk, "requester_id", "addressee_id"))
        .values("buddy")
    )


def blocked_ids(viewer: Any) -> tuple[int, ...]:
    """The people ``viewer`` has blocked or been blocked by (a handful at most)."""
    return relations(viewer).blocked


@dataclass(frozen=True)
class Relations:
    """Who ``viewer`` is to others: buddies, groups, and people blocked either way.

    Read in one query when a rule is built, so the rule names them in its SQL instead
    of asking the database again for every row (a correlated "is the owner blocked?"
    and "is the owner a buddy?" for each of thousands of runs was most of a feed's
    time, and building those subqueries most of its Python). Build the rule in the
    request that runs it: the snapshot is never older than that.
    """

    buddies: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()
    blocked: tuple[int, ...] = ()


def relations(viewer: Any) -> Relations:
    """``viewer``'s :class:`Relations` (empty for a visitor who is not signed in)."""
    if not _signed_in(viewer):
        return Relations()
    # Written out: every page of the community runs it, and as an ORM union of three
    # annotated querysets building it cost ten times what the database did.
    buddyship, membership, block = (
        model._meta.db_table for model in (Buddyship, Membership, Block)
    )
    sql = f"""
        SELECT 0, CASE WHEN requester_id = %(me)s THEN addressee_id ELSE requester_id END
        FROM {buddyship} WHERE (requester_id = %(me)s OR addressee_id = %(me)s)
            AND status = %(accepted)s
        UNION ALL SELECT 1, group_id FROM {membership} WHERE user_id = %(me)s
        UNION ALL SELECT 2, CASE WHEN blocker_id = %(me)s THEN blocked_id ELSE blocker_id END
        FROM {block} WHERE blocker_id = %(me)s OR blocked_id = %(me)s
    """  # table names from our models; every value is a parameter
    found: tuple[list[int], list[int], list[int]] = ([], [], [])
    with connection.cursor() as cursor:
        cursor.execute(sql, {"me": viewer.pk, "accepted": Buddyship.Status.ACCEPTED.value})
        for kind, other in cursor.fetchall():
            found[kind].append(other)
    return Relations(*(tuple(sorted(ids)) for ids in found))


def are_buddies(a: Any, b: Any) -> bool:
    return Buddyship.objects.filter(
        Q(requester_id=a.pk, addressee_id=b.pk) | Q(requester_id=b.pk, addressee_id=a.pk),
        status=Buddyship.Status.ACCEPTED,
    ).exists()


def is_blocked(a: Any, b: Any) -> bool:
    """Whether either of the two has blocked the other."""
    return Block.objects.filter(
        Q(blocker_id=a.pk, blocked_id=b.pk) | Q(blocker_id=b.pk, blocked_id=a.pk)
    ).exists()


def not_blocked(viewer: Any, owner: str, blocked: tuple[int, ...] | None = None) -> Q:
    """Rows whose ``owner`` field is someone ``viewer`` has not blocked, nor been blocked by.

    ``blocked``: :func:`blocked_ids` if the caller has read them already."""
    blocked = blocked_ids(viewer) if blocked is None else blocked
    return ~Q(**{f"{owner}__in": blocked}) if blocked else Q()


def _groups_of(owner: OuterRef) -> QuerySet[Any]:
    """The groups the owner of the outer row is (still) in. A correlated subquery on purpose:
    as a join inside EXISTS, PostgreSQL hashed every member of the viewer's groups against
    every story shared with them (28 million rows for one viewer of a 100,000-person site)."""
    return Membership.objects.filter(user_id=owner).values("group_id")


# --------------------------------------------------------------------------- #
# Runs and stories: the audience rule
# --------------------------------------------------------------------------- #


def _groups_q(rel: Relations, owner: str, audience: QuerySet[Any]) -> Q:
    """Shared with groups: with a group of mine that the owner is still in, or, when no
    group was picked, with all the owner's groups (so any I share with them).

    ``audience``: the groups picked for the outer row (a correlated subquery)."""
    if not rel.groups:
        return Q(pk__in=[])
    picked_in_my_groups = audience.filter(group_id__in=rel.groups).filter(
        group_id__in=_groups_of(OuterRef(OuterRef(owner)))
    )
    owner_shares_a_group = Membership.objects.filter(
        group_id__in=rel.groups, user_id=OuterRef(owner)
    )
    return Q(visibility=Visibility.GROUPS) & (
        Q(Exists(picked_in_my_groups)) | (~Q(Exists(audience)) & Q(Exists(owner_shares_a_group)))
    )


def _audience_q(viewer: Any, rel: Relations, owner: str, groups: Q) -> Q:
    """Visible to ``viewer`` by the object's visibility (the owner is handled by the caller)."""
    if not _signed_in(viewer):
        return Q(visibility=Visibility.PUBLIC) if settings.PUBLIC_PAGES else Q(pk__in=[])
    shared = Q(visibility=Visibility.PUBLIC) | groups
    if rel.buddies:
        shared |= Q(visibility=Visibility.BUDDIES, **{f"{owner}__in": rel.buddies})
    return Q(**{owner: viewer.pk}) | (shared & not_blocked(viewer, owner, rel.blocked))


def run_q(viewer: Any, rel: Relations | None = None) -> Q:
    """Runs ``viewer`` sees. ``rel``: their :func:`relations`, if already read."""
    if not _signed_in(viewer):
        return _audience_q(viewer, Relations(), "user_id", Q())
    rel = relations(viewer) if rel is None else rel
    audience = RunAudience.objects.filter(run_id=OuterRef("pk"))
    return _audience_q(viewer, rel, "user_id", _groups_q(rel, "user_id", audience))


def story_q(viewer: Any, rel: Relations | None = None) -> Q:
    """Stories ``viewer`` sees. ``rel``: their :func:`relations`, if already read."""
    published = Q(status=Status.PUBLISHED)
    if not _signed_in(viewer):
        return _audience_q(viewer, Relations(), "author_id", Q()) & published
    rel = relations(viewer) if rel is None else rel
    audience = Story.groups.through.objects.filter(story_id=OuterRef("pk"))
    groups = _groups_q(rel, "author_id", audience)
    return Q(author_id=viewer.pk) | (_audience_q(viewer, rel, "author_id", groups) & published)


def visible_runs(viewer: Any, rel: Relations | None = None) -> QuerySet[Run]:
    return Run.objects.filter(run_q(viewer, rel))


def visible_stories(viewer: Any, rel: Relations | None = None) -> QuerySet[Story]:
    return Story.objects.filter(story_q(viewer, rel))


def visible_comments(viewer: Any) -> QuerySet[Comment]:
    """Comments on runs and stories the viewer sees; held or hidden ones only for their author."""
    rel = relations(viewer)
    on_target = Q(run__in=visible_runs(viewer, rel).values("pk")) | Q(
        story__in=visible_stories(viewer, rel).values("pk")
    )
    return comments_on_visible(viewer, rel.blocked).filter(on_target)


def comments_on_visible(viewer: Any, blocked: tuple[int, ...] | None = None) -> QuerySet[Comment]:
    """The comments ``viewer`` sees on a run or story *already known to be visible* to them
    (the feed counts them on rows that passed ``visible_runs``/``visible_stories``, where
    repeating the target check would build and run those queries again for every row)."""
    if not _signed_in(viewer):
        return Comment.objects.filter(status=Status.PUBLISHED)
    mine = Q(author_id=viewer.pk)
    theirs = Q(status=Status.PUBLISHED) & not_blocked(viewer, "author_id", blocked)
    return Comment.objects.filter(mine | theirs)


# --------------------------------------------------------------------------- #
# One object
# --------------------------------------------------------------------------- #


def visible_groups(viewer: Any) -> QuerySet[Group]:
    """Groups ``viewer`` may see: open ones, and invite-only ones they belong to."""
    if not _signed_in(viewer):
        return Group.objects.none()
    mine = Membership.objects.filter(group_id=OuterRef("pk"), user_id=viewer.pk)
    return Group.objects.filter(Q(invite_only=False) | Q(Exists(mine)))


def _group_visible(viewer: Any, group: Group) -> bool:
    return visible_groups(viewer).filter(pk=group.pk).exists()


def _owner_only(viewer: Any, obj: Any) -> bool:
    return _signed_in(viewer) and obj.user_id == viewer.pk


def _goal_visible(viewer: Any, goal: Goal) -> bool:
    if not _signed_in(viewer):
        return False
    if goal.group_id:
        return Membership.objects.filter(group_id=goal.group_id, user_id=viewer.pk).exists()
    pair = goal.buddyship
    return pair is not None and viewer.pk in (pair.requester_id, pair.addressee_id)


def can_view(viewer: Any, obj: Any) -> bool:
    """Whether ``viewer`` (a user, anonymous or ``None``) may see ``obj``."""
    from django.contrib.auth import get_user_model

    if isinstance(obj, Run):
        return visible_runs(viewer).filter(pk=obj.pk).exists()
    if isinstance(obj, Story):
        return visible_stories(viewer).filter(pk=obj.pk).exists()
    if isinstance(obj, Comment):
        return visible_comments(viewer).filter(pk=obj.pk).exists()
    if isinstance(obj, Group):
        return _group_visible(viewer, obj)
    if isinstance(obj, GroupRun):
        return _group_visible(viewer, obj.group)
    if isinstance(obj, Occurrence):
        return _group_visible(viewer, obj.group_run.group)
    if isinstance(obj, Goal):
        return _goal_visible(viewer, obj)
    if isinstance(obj, get_user_model()):
        return _signed_in(viewer) and (viewer.pk == obj.pk or not is_blocked(viewer, obj))
    if isinstance(obj, Notification):
        return _owner_only(viewer, obj)
    # Wellbeing and everything else personal (check-ins, responses, safety plan,
    # experiments, tokens, imports): the owner alone.
    return _signed_in(viewer) and getattr(obj, "user_id", None) == viewer.pk


def feeling_visible(viewer: Any, run: Run) -> bool:
    """Whether ``viewer`` sees this run's before→after feeling (owner, or shared with the run)."""
    if _signed_in(viewer) and viewer.pk == run.user_id:
        return True
    return run.share_feeling and can_view(viewer, run)
