"""Groups, group runs, shared goals, buddies, stories, cheers, comments and moderation.

Designed for support, not competition: there are milestones but no leaderboards,
results are hidden unless both the organiser and the runner agree, and nothing
here ever holds wellbeing data. Who sees what is decided in one place,
:mod:`stridewell.community.visibility`.
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from stridewell.accounts.models import validate_timezone
from stridewell.runs.models import Run, Visibility

USER = settings.AUTH_USER_MODEL


def new_code() -> str:
    """A short code that is easy to read out or type (no 0/O or 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


# --------------------------------------------------------------------------- #
# Groups and group runs
# --------------------------------------------------------------------------- #


class Group(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    invite_only = models.BooleanField(default=False)
    invite_code = models.CharField(max_length=16, unique=True, default=new_code)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # Shown to the group's mental health champions: local services, how to signpost.
    support_resources = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Role(models.TextChoices):
    ORGANISER = "organiser", "Organiser"
    CHAMPION = "champion", "Mental health champion"
    MEMBER = "member", "Member"


def member_rank() -> models.Case:
    """Organisers first, then champions, then everyone else (how a group lists its members)."""
    return models.Case(
        models.When(role=Role.ORGANISER, then=models.Value(0)),
        models.When(role=Role.CHAMPION, then=models.Value(1)),
        default=models.Value(2),
    )


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_membership")]
        indexes = [
            models.Index(fields=["user", "group"]),
            # A group page shows its first members in this order without sorting them all
            # (17,000 in the largest group of a 100,000-person community).
            models.Index(
                models.F("group"),
                member_rank(),
                models.F("joined_at"),
                models.F("id"),
                name="membership_listed",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.role})"


class GroupRun(models.Model):
    """A group run: one-off, or weekly like parkrun or a run-and-talk group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="group_runs")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    place = models.CharField(max_length=200)
    first_date = models.DateField()
    local_time = models.TimeField(help_text="In the group's timezone.")
    weekly = models.BooleanField(default=False)
    until = models.DateField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    duration_min = models.PositiveSmallIntegerField(null=True, blank=True)
    pace_promise = models.CharField(
        max_length=200, default="Nobody gets left behind: we loop back for everyone."
    )
    walkers_welcome = models.BooleanField(default=True)
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    results_enabled = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_date", "local_time"]

    def __str__(self) -> str:
        return self.title


class Occurrence(models.Model):
    """One date of a group run: what people RSVP to, attend and check in to with a code."""

    group_run = models.ForeignKey(GroupRun, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField()
    code = models.CharField(max_length=16, default=new_code)
    # Who walks at the back so nobody is last alone (the sweeper or tail walker).
    sweeper = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["group_run", "date"], name="one_occurrence_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.group_run_id} on {self.date}"

    @property
    def starts_at(self) -> datetime:
        tz = self.group_run.group.tzinfo
        return datetime.combine(self.date, self.group_run.local_time, tz)


class Rsvp(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="rsvps")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["occurrence", "user"], name="one_rsvp")]

    def __str__(self) -> str:
        return f"{self.user_id} going to {self.occurrence_id}"


class Attendance(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="attendances")
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    swept = models.BooleanField(default=False, help_text="Volunteered as sweeper / tail walker.")
    result_s = models.FloatField(null=True, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    # A time or position is shown only when the organiser turned results on *and* this is True.
    share_result = models.BooleanField(default=False)
    marked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.occurrence_id}"


# --------------------------------------------------------------------------- #
# Shared goals
# --------------------------------------------------------------------------- #


class Metric(models.TextChoices):
    DISTANCE = "distance", "Kilometres"
    MINUTES = "minutes", "Minutes"
    SESSIONS = "sessions", "Sessions"


class Buddyship(models.Model):
    """Two people who agreed to be buddies. ``requester`` asked; ``addressee`` accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Buddies"
        # Kept, not deleted, so a declined request is not asked again and withdrawn
        # requests still count towards the rate limit (stridewell.community.buddies).
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    requester = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="buddy_requests_sent"
    )
    addressee = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="buddy_requests_received"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester", "addressee"], name="one_buddyship"),
            models.CheckConstraint(
                condition=~Q(requester=models.F("addressee")), name="no_self_buddy"
            ),
        ]
        indexes = [models.Index(fields=["addressee", "status"])]

    def __str__(self) -> str:
        return f"{self.requester_id} and {self.addressee_id} ({self.status})"

    def other(self, user: Any) -> Any:
        return self.addressee if self.requester_id == user.pk else self.requester


class BuddyInvite(models.Model):
    """A link someone can share so another person can ask to be their buddy."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="buddy_invites")
    code = models.CharField(max_length=16, unique=True, default=new_code)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"buddy invite {self.code}"


class Goal(models.Model):
    """ "Together we move 500 km in March": a group's or two buddies' aim for a period."""

    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="goals"
    )
    buddyship = models.ForeignKey(
        Buddyship, null=True, blank=True, on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(max_length=120)
    metric = models.CharField(max_length=10, choices=Metric.choices)
    target = models.FloatField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Milestones already announced (25, 50, 75, 100 %), so each is told once.
    announced = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, buddyship__isnull=True)
                | Q(group__isnull=True, buddyship__isnull=False),
                name="goal_for_a_group_or_two_buddies",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="goal_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GoalParticipant(models.Model):
    """Whether a member's runs in the goal's period count towards it (their choice)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    counting = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["goal", "user"], name="one_participant")]

    def __str__(self) -> str:
        return f"{self.user_id} in goal {self.goal_id}"


# --------------------------------------------------------------------------- #
# Who a run is shared with
# --------------------------------------------------------------------------- #


class RunAudience(models.Model):
    """For a run with ``groups`` visibility: the groups picked. None picked = all my groups."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="audience")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "group"], name="one_run_audience")]

    def __str__(self) -> str:
        return f"run {self.run_id} shown to group {self.group_id}"


# --------------------------------------------------------------------------- #
# Stories, comments and cheers
# --------------------------------------------------------------------------- #


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    HELD = "held", "Waiting for a moderator"
    HIDDEN = "hidden", "Hidden by a moderator"


class Story(models.Model):
    """A long-form post about what running has done for someone ("Running for Solace")."""

    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(max_length=160)
    body = models.TextField(help_text="Markdown; shown sanitised.")
    anonymous = models.BooleanField(default=False, help_text="Hide my name from other users.")
    content_warning = models.CharField(max_length=200, blank=True)
    tags = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


def _one_target() -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(run__isnull=False, story__isnull=True)
        | Q(run__isnull=True, story__isnull=False),
        name="%(class)s_on_a_run_or_a_story",
    )


class Comment(models.Model):
    """A comment on a run or a story; replies go one level deep. Seen by whoever sees the target."""

    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="comments")
    run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [_one_target()]

    def __str__(self) -> str:
        return f"comment {self.pk} by {self.author_id}"


class Cheer(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="cheers")
    run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.CASCADE, related_name="cheers"
    )
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="cheers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            _one_target(),
            models.UniqueConstraint(fields=["user", "run"], name="one_cheer_a_run"),
            models.UniqueConstraint(fields=["user", "story"], name="one_cheer_a_story"),
        ]

    def __str__(self) -> str:
        return f"cheer by {self.user_id}"


# --------------------------------------------------------------------------- #
# Safety between people: blocks, reports, moderation
# --------------------------------------------------------------------------- #


class Block(models.Model):
    """``blocker`` no longer sees ``blocked``, and ``blocked`` can no longer see or reach them."""

    blocker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocked {self.blocked_id}"


class Report(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reports_made")
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="reports_about"
    )
    reason = models.TextField(max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.state})"


class ModerationAction(models.Model):
    """Every moderation step, kept: who did what to which story, comment or person, and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Restored"
        WARN = "warn", "Warned"
        SUSPEND = "suspend", "Suspended"
        UNSUSPEND = "unsuspend", "Suspension lifted"
        REMOVE_MEMBER = "remove", "Removed from group"
        DISMISS = "dismiss", "Report dismissed"

    moderator = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} by {self.moderator_id}"


# --------------------------------------------------------------------------- #
# Notifications
# --------------------------------------------------------------------------- #


class Kind(models.TextChoices):
    CHEER = "cheer", "Cheers"
    COMMENT = "comment", "Comments and replies"
    BUDDY_REQUEST = "buddy", "Buddy requests"
    NUDGE = "nudge", "Nudges from buddies"
    QUIET_BUDDY = "quiet", "A buddy hasn't moved for a while"
    GROUP_RUN = "group_run", "Group run reminders"
    GOAL = "goal", "Goal milestones"
    MILESTONE = "milestone", "My milestones"
    MODERATION = "moderation", "Moderation"


class Notification(models.Model):
    """Something for one person to see. Never carries wellbeing data."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
