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

from typing import Any

from django.conf import settings
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
    "are_buddies",
    "buddy_ids",
    "can_view",
    "comments_on_visible",
    "feeling_visible",
    "is_blocked",
    "not_blocked",
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


def buddy_ids(user: Any) -> QuerySet[Any]:
    """Ids of ``user``'s accepted buddies, as a subquery.

    Read from the buddyships alone, whichever side asked (two index lookups), rather
    than joining every user to both sides, which PostgreSQL can only do in full.
    """
    other = Case(When(requester_id=user.pk, then=F("addressee_id")), default=F("requester_id"))
    return (
        Buddyship.objects.filter(
            Q(requester_id=user.pk) | Q(addressee_id=user.pk), status=Buddyship.Status.ACCEPTED
        )
        .annotate(buddy=other)
        .values("buddy")
    )


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


def not_blocked(viewer: Any, owner: str) -> Q:
    """Rows whose ``owner`` field is someone ``viewer`` has not blocked, nor been blocked by."""
    either_way = Block.objects.filter(
        Q(blocker_id=viewer.pk, blocked_id=OuterRef(owner))
        | Q(blocker_id=OuterRef(owner), blocked_id=viewer.pk)
    )
    return ~Q(Exists(either_way))


def _my_groups(viewer: Any) -> QuerySet[Any]:
    return Membership.objects.filter(user_id=viewer.pk).values("group_id")


def _groups_of(owner: OuterRef) -> QuerySet[Any]:
    """The groups the owner of the outer row is (still) in. A correlated subquery on purpose:
    as a join inside EXISTS, PostgreSQL hashed every member of the viewer's groups against
    every story shared with them (28 million rows for one viewer of a 100,000-person site)."""
    return Membership.objects.filter(user_id=owner).values("group_id")


# --------------------------------------------------------------------------- #
# Runs and stories: the audience rule
# --------------------------------------------------------------------------- #


def _groups_q(viewer: Any, owner: str, picked_in_my_groups: Exists, anything_picked: Exists) -> Q:
    owner_shares_a_group = Exists(
        Membership.objects.filter(group_id__in=_my_groups(viewer), user_id=OuterRef(owner))
    )
    return Q(visibility=Visibility.GROUPS) & (
        Q(picked_in_my_groups) | (~Q(anything_picked) & Q(owner_shares_a_group))
    )


def _audience_q(viewer: Any, owner: str, groups: Q) -> Q:
    """Visible to ``viewer`` by the object's visibility (the owner is handled by the caller)."""
    if not _signed_in(viewer):
        return Q(visibility=Visibility.PUBLIC) if settings.PUBLIC_PAGES else Q(pk__in=[])
    shared = (
        Q(visibility=Visibility.PUBLIC)
        | Q(visibility=Visibility.BUDDIES, **{f"{owner}__in": buddy_ids(viewer)})
        | groups
    )
    return Q(**{owner: viewer.pk}) | (shared & not_blocked(viewer, owner))


def run_q(viewer: Any) -> Q:
    if not _signed_in(viewer):
        return _audience_q(viewer, "user_id", Q())
    my_groups = _my_groups(viewer)
    picked = Exists(
        RunAudience.objects.filter(
            run_id=OuterRef("pk"),
            group_id__in=my_groups,
        ).filter(group_id__in=_groups_of(OuterRef(OuterRef("user_id"))))
    )
    anything_picked = Exists(RunAudience.objects.filter(run_id=OuterRef("pk")))
    return _audience_q(viewer, "user_id", _groups_q(viewer, "user_id", picked, anything_picked))


def story_q(viewer: Any) -> Q:
    published = Q(status=Status.PUBLISHED)
    if not _signed_in(viewer):
        return _audience_q(viewer, "author_id", Q()) & published
    through = Story.groups.through.objects
    picked = Exists(
        through.filter(
            story_id=OuterRef("pk"),
            group_id__in=_my_groups(viewer),
        ).filter(group_id__in=_groups_of(OuterRef(OuterRef("author_id"))))
    )
    anything_picked = Exists(through.filter(story_id=OuterRef("pk")))
    audience = _audience_q(
        viewer, "author_id", _groups_q(viewer, "author_id", picked, anything_picked)
    )
    return Q(author_id=viewer.pk) | (audience & published)


def visible_runs(viewer: Any) -> QuerySet[Run]:
    return Run.objects.filter(run_q(viewer))


def visible_stories(viewer: Any) -> QuerySet[Story]:
    return Story.objects.filter(story_q(viewer))


def visible_comments(viewer: Any) -> QuerySet[Comment]:
    """Comments on runs and stories the viewer sees; held or hidden ones only for their author."""
    on_target = Q(run__in=visible_runs(viewer).values("pk")) | Q(
        story__in=visible_stories(viewer).values("pk")
    )
    return comments_on_visible(viewer).filter(on_target)


def comments_on_visible(viewer: Any) -> QuerySet[Comment]:
    """The comments ``viewer`` sees on a run or story *already known to be visible* to them
    (the feed counts them on rows that passed ``visible_runs``/``visible_stories``, where
    repeating the target check would build and run those queries again for every row)."""
    if not _signed_in(viewer):
        return Comment.objects.filter(status=Status.PUBLISHED)
    mine = Q(author_id=viewer.pk)
    theirs = Q(status=Status.PUBLISHED) & not_blocked(viewer, "author_id")
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
