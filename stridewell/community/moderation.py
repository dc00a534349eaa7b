"""Reports, the moderation queue, and what moderators do — every step kept as a ModerationAction.

Who moderates what
------------------
* **Site moderators** (``user.is_staff``) see and act on everything: every held
  story and comment and every open report, including reports about people. Only
  they can suspend and unsuspend.
* **A group organiser** moderates what is addressed to their group, and nothing
  else:

  - a story with ``groups`` visibility whose audience includes a group they
    organise — the group was picked for it (and the author is still a member),
    or no group was picked (meaning "all my groups") and the author is a member
    of a group they organise;
  - a comment on such a story, or on a run shared with ``groups`` visibility by
    the same rule (``RunAudience`` instead of ``Story.groups``).

  Public, buddies-only and private things, and reports about people, are for
  site moderators. An organiser never moderates their own posts, and sees an
  anonymous story's author as "Anonymous" like everyone else.
* Anyone else asking for the queue or acting gets a 404.

Reporters are shown to site moderators only, so a report inside a small group
cannot turn into a quarrel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone

from stridewell.accounts.models import Profile
from stridewell.community import ratelimit
from stridewell.community.comments import announce
from stridewell.community.models import (
    Comment,
    Kind,
    Membership,
    ModerationAction,
    Report,
    Role,
    RunAudience,
    Status,
    Story,
)
from stridewell.community.notify import notify
from stridewell.community.posting import PostingError, clean_text
from stridewell.community.visibility import can_view
from stridewell.runs.models import Run, Visibility

__all__ = [
    "Action",
    "QueueItem",
    "act",
    "can_moderate",
    "describe",
    "file_report",
    "in_scope",
    "is_site_moderator",
    "log_for",
    "queue",
]

Action = ModerationAction.Action
MAX_REASON = 2000
MAX_SUSPENSION_DAYS = 365


# --------------------------------------------------------------------------- #
# Reports
# --------------------------------------------------------------------------- #


def file_report(
    reporter: Any,
    reason: str,
    *,
    story: Story | None = None,
    comment: Comment | None = None,
    user: Any = None,
) -> Report:
    """Report a story, comment or person ``reporter`` can see (404 otherwise)."""
    targets = [t for t in (story, comment, user) if t is not None]
    if len(targets) != 1:
        raise PostingError("Report one story, comment or person at a time.")
    target = targets[0]
    if not can_view(reporter, target):
        raise Http404("Nothing to report here")
    if reporter.pk == getattr(target, "author_id", getattr(target, "pk", None)):
        raise PostingError("That one is yours — you can edit or delete it instead.")
    text = clean_text(reason, what="reason", max_length=MAX_REASON)
    ratelimit.check(Report.objects.filter(reporter_id=reporter.pk), "report")
    return Report.objects.create(
        reporter=reporter, story=story, comment=comment, user=user, reason=text
    )


# --------------------------------------------------------------------------- #
# Who may moderate what
# --------------------------------------------------------------------------- #


def is_site_moderator(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_staff


def organised_groups(user: Any) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user_id=user.pk, role=Role.ORGANISER).values_list(
            "group_id", flat=True
        )
    )


def can_moderate(user: Any) -> bool:
    return is_site_moderator(user) or bool(organised_groups(user))


def _addressed_to(groups: list[int], owner: str, picked_model: Any, picked_fk: str) -> Q:
    """Shared with ``groups`` visibility, with one of ``groups`` in its audience."""
    picked = picked_model.objects.filter(**{picked_fk: OuterRef("pk")})
    owner_in = Membership.objects.filter(group_id__in=groups, user_id=OuterRef(owner))
    one_of_mine = picked.filter(group_id__in=groups, group__memberships__user_id=OuterRef(owner))
    return Q(visibility=Visibility.GROUPS) & (
        Q(Exists(one_of_mine)) | (~Q(Exists(picked)) & Q(Exists(owner_in)))
    )


def _story_scope(groups: list[int]) -> Q:
    return _addressed_to(groups, "author_id", Story.groups.through, "story_id")


def _run_scope(groups: list[int]) -> Q:
    return _addressed_to(groups, "user_id", RunAudience, "run_id")


def stories_in_scope(moderator: Any) -> QuerySet[Story]:
    if is_site_moderator(moderator):
        return Story.objects.all()
    groups = organised_groups(moderator)
    return Story.objects.filter(_story_scope(groups)).exclude(author_id=moderator.pk)


def comments_in_scope(moderator: Any) -> QuerySet[Comment]:
    if is_site_moderator(moderator):
        return Comment.objects.all()
    groups = organised_groups(moderator)
    stories = Story.objects.filter(_story_scope(groups)).values("pk")
    runs = Run.objects.filter(_run_scope(groups)).values("pk")
    return Comment.objects.filter(Q(story__in=stories) | Q(run__in=runs)).exclude(
        author_id=moderator.pk
    )


def in_scope(moderator: Any, obj: Story | Comment) -> bool:
    found = stories_in_scope(moderator) if isinstance(obj, Story) else comments_in_scope(moderator)
    return found.filter(pk=obj.pk).exists()


# --------------------------------------------------------------------------- #
# The queue
# --------------------------------------------------------------------------- #


@dataclass
class QueueItem:
    """One thing waiting for a moderator: a held or reported story or comment, or a person."""

    kind: str  # "story", "comment" or "user"
    obj: Any
    reports: list[Report] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return getattr(self.obj, "status", None) == Status.HELD

    @property
    def waiting_since(self) -> Any:
        times = [r.created_at for r in self.reports]
        if self.held:
            times.append(self.obj.created_at)
        return min(times)


def _open_reports(**target: Any) -> QuerySet[Report]:
    return Report.objects.filter(state=Report.State.OPEN, **target).select_related("reporter")


def _with_reports(kind: str, objects: QuerySet[Any], column: str) -> list[QueueItem]:
    items = {obj.pk: QueueItem(kind, obj) for obj in objects}
    for report in _open_reports(**{f"{column}__in": list(items)}):
        items[getattr(report, f"{column}_id")].reports.append(report)
    return list(items.values())


def queue(moderator: Any) -> list[QueueItem]:
    """What ``moderator`` should look at, oldest first (404 for people who moderate nothing)."""
    if not can_moderate(moderator):
        raise Http404
    waiting = Q(status=Status.HELD)
    reported_stories = _open_reports(story__isnull=False).values("story_id")
    reported_comments = _open_reports(comment__isnull=False).values("comment_id")
    stories = stories_in_scope(moderator).filter(waiting | Q(pk__in=reported_stories))
    comments = comments_in_scope(moderator).filter(waiting | Q(pk__in=reported_comments))
    items = _with_reports("story", stories.select_related("author__profile"), "story")
    items += _with_reports(
        "comment", comments.select_related("author__profile", "story", "run"), "comment"
    )
    if is_site_moderator(moderator):
        people = get_user_model().objects.filter(
            pk__in=_open_reports(user__isnull=False).values("user_id")
        )
        items += _with_reports("user", people.select_related("profile"), "user")
    return sorted(items, key=lambda item: item.waiting_since)


# --------------------------------------------------------------------------- #
# Acting
# --------------------------------------------------------------------------- #


def _what(obj: Story | Comment) -> str:
    if isinstance(obj, Story):
        return f"your story “{obj.title}”"
    target = obj.story or obj.run
    return f"your comment on “{target.title if target else ''}”"


def _check_allowed(moderator: Any, action: str, target: Any) -> None:
    if not can_moderate(moderator):
        raise Http404
    staff_only = action in (Action.SUSPEND, Action.UNSUSPEND) or not isinstance(
        target, Story | Comment
    )
    if staff_only and not is_site_moderator(moderator):
        raise Http404
    if isinstance(target, Story | Comment) and not in_scope(moderator, target):
        raise Http404


def _set_status(obj: Story | Comment, action: str) -> None:
    wanted = {
        Action.APPROVE: (Status.HELD, Status.PUBLISHED),
        Action.HIDE: (None, Status.HIDDEN),
        Action.RESTORE: (Status.HIDDEN, Status.PUBLISHED),
    }[Action(action)]
    before, after = wanted
    if (before is not None and obj.status != before) or obj.status == after:
        done = Action(action).label.lower()
        raise PostingError(f"It is “{obj.get_status_display()}” now, so it can't be {done}.")
    obj.status = after
    obj.save(update_fields=["status"])


def _suspend(person: Any, days: int) -> datetime:
    if not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise PostingError(f"Suspend for 1 to {MAX_SUSPENSION_DAYS} days.")
    profile = Profile.objects.for_user(person)
    profile.suspended_until = timezone.now() + timedelta(days=days)
    profile.save(update_fields=["suspended_until"])
    return profile.suspended_until


def _tell(person: Any, text: str, note: str, url: str = "") -> None:
    full = f"{text} A note from the moderator: {note}" if note else text
    # No actor: the person is told what happened, not which neighbour decided it.
    notify(person, Kind.MODERATION, full, url)


def _perform(action: str, target: Any, note: str, days: int) -> None:
    content = target if isinstance(target, Story | Comment) else None
    person = content.author if content is not None else target
    url = ""
    if isinstance(content, Story):
        url = f"/stories/{content.pk}/"
    if action in (Action.APPROVE, Action.HIDE, Action.RESTORE):
        assert content is not None
        _set_status(content, action)
        words = {
            Action.APPROVE: f"A moderator read {_what(content)}; it is now visible.",
            Action.HIDE: f"A moderator hid {_what(content)}.",
            Action.RESTORE: f"{_what(content).capitalize()} is visible again.",
        }[Action(action)]
        _tell(person, words, note, url)
        if action == Action.APPROVE and isinstance(content, Comment):
            announce(content)
    elif action == Action.WARN:
        if not note.strip():
            raise PostingError("Write the note the person will read.")
        notify(person, Kind.MODERATION, f"A note from a moderator: {note}", url)
    elif action == Action.SUSPEND:
        until = _suspend(person, days)
        when = formats.date_format(until, "j F Y")
        _tell(person, f"Posting is paused for your account until {when}.", note)
    elif action == Action.UNSUSPEND:
        Profile.objects.filter(user_id=person.pk).update(suspended_until=None)
        _tell(person, "You can post again. Thank you for your patience.", note)


def _scope_group(moderator: Any, target: Any) -> int | None:
    """For an organiser's action: the group it was done for (site moderators: none)."""
    if is_site_moderator(moderator) or not isinstance(target, Story | Comment):
        return None
    groups = organised_groups(moderator)
    story = target if isinstance(target, Story) else target.story
    run = None if isinstance(target, Story) else target.run
    if story is not None:
        owner, picked = story.author_id, list(story.groups.values_list("pk", flat=True))
    elif run is not None:
        owner = run.user_id
        picked = list(RunAudience.objects.filter(run=run).values_list("group_id", flat=True))
    else:
        return None
    mine = [g for g in (picked or _member_of(owner)) if g in groups]
    return mine[0] if mine else None


def _member_of(user_id: int) -> list[int]:
    return list(Membership.objects.filter(user_id=user_id).values_list("group_id", flat=True))


def act(
    moderator: Any,
    action: str,
    *,
    story: Story | None = None,
    comment: Comment | None = None,
    user: Any = None,
    report: Report | None = None,
    note: str = "",
    days: int = 7,
) -> ModerationAction:
    """Approve, hide, restore, warn, suspend, unsuspend or dismiss — and log it."""
    if action not in Action.values or action == Action.REMOVE_MEMBER:
        raise PostingError("That is not something the moderation queue can do.")
    if report is not None:
        story, comment, user = report.story, report.comment, report.user
    target = next((t for t in (story, comment, user) if t is not None), None)
    if target is None:
        raise PostingError("Choose a story, comment, person or report.")
    _check_allowed(moderator, action, target)
    note = (note or "").strip()[:MAX_REASON]
    with transaction.atomic():
        if action == Action.DISMISS:
            if report is None or report.state != Report.State.OPEN:
                raise PostingError("Dismiss an open report.")
        else:
            _perform(action, target, note, days)
        _resolve(report, story, comment, user, only_this=action == Action.DISMISS)
        return ModerationAction.objects.create(  # every step is kept
            moderator=moderator,
            action=action,
            story=story,
            comment=comment,
            user=user if user is not None else getattr(target, "author", None),
            group_id=_scope_group(moderator, target),
            report=report,
            note=note,
        )


def _resolve(
    report: Report | None, story: Any, comment: Any, user: Any, *, only_this: bool
) -> None:
    """Close the report acted on; any other action also closes the other reports about it."""
    if only_this:
        assert report is not None
        Report.objects.filter(pk=report.pk).update(state=Report.State.RESOLVED)
        return
    about = Q(story=story) if story else Q(comment=comment) if comment else Q(user=user)
    Report.objects.filter(about, state=Report.State.OPEN).update(state=Report.State.RESOLVED)


def log_for(moderator: Any) -> QuerySet[ModerationAction]:
    """The moderation log: all of it for site moderators; an organiser's group's part and
    their own actions for organisers; 404 for everyone else."""
    if not can_moderate(moderator):
        raise Http404
    actions = ModerationAction.objects.select_related(
        "moderator__profile", "story", "comment", "user__profile", "group"
    )
    if not is_site_moderator(moderator):
        groups = organised_groups(moderator)
        actions = actions.filter(Q(group_id__in=groups) | Q(moderator_id=moderator.pk))
    return actions.order_by("-created_at", "-pk")


def describe(entry: ModerationAction, viewer: Any) -> str:
    """What a log line says it was about; an anonymous author stays anonymous to organisers."""
    if entry.story is not None:
        what = f"story “{entry.story.title}”"
    elif entry.comment is not None:
        what = f"comment {entry.comment.pk}"
    else:
        what = ""
    person = entry.user
    story = entry.story or (entry.comment.story if entry.comment else None)
    unmasks = (
        story is not None
        and story.anonymous
        and person is not None
        and person.pk == story.author_id
        and not is_site_moderator(viewer)
    )
    if person is None or unmasks:
        return what or "—"
    profile = Profile.objects.for_user(person)
    who = f"{profile.name} (@{profile.handle})"
    return f"{what} by {who}" if what else who
