"""A richly populated owner, Olive, and the people who look at her things, for the leak sweep.

Every private text Olive owns carries a unique marker (``LEAK&...``: the ``&`` makes the
HTML-escaped form differ from the raw one, so the sweep has to look for both). Each marker
and each object knows its audience: the viewers who may see it. Everything is made with the
app's own functions where one exists, so the world looks like one a real person built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from conftest import SHARED_DATA, make_user
from stridewell.accounts.models import ApiToken, PrivacyPlace, Profile
from stridewell.community.blocks import block
from stridewell.community.buddies import invite_for
from stridewell.community.models import (
    Buddyship,
    Cheer,
    Comment,
    Goal,
    GoalParticipant,
    Group,
    GroupRun,
    Membership,
    Occurrence,
    Report,
    Role,
    Rsvp,
    Status,
    Story,
)  # fmt: skip
from stridewell.community.notify import notify
from stridewell.insights import experiments
from stridewell.runs.imports import import_files
from stridewell.runs.models import Run
from stridewell.steps.sessions import SessionData, choose, record_session
from stridewell.wellbeing.checkins import CheckInData, record
from stridewell.wellbeing.models import Preferences
from stridewell.wellbeing.questionnaires import answer
from stridewell.wellbeing.safety import save_plan

VISITOR, STRANGER, BUDDY, MEMBER, OWNER = "visitor", "stranger", "buddy", "member", "owner"
# Signed out on an install with public pages off (the default): in no audience at all.
SHUT_OUT = "visitor-public-pages-off"
BLOCKED = "blocked"  # someone Olive blocked: sees nothing of hers, not even what is public
VIEWERS = (VISITOR, SHUT_OUT, STRANGER, BUDDY, MEMBER, BLOCKED, OWNER)
SIGNED_IN = frozenset({STRANGER, BUDDY, MEMBER, BLOCKED, OWNER})
NOT_BLOCKED = SIGNED_IN - {BLOCKED}
ONLY_OLIVE = frozenset({OWNER})
# Who sees a run or story of each visibility (public pages are on in the sweep).
AUDIENCE = {
    "private": ONLY_OLIVE,
    "buddies": frozenset({OWNER, BUDDY}),
    "groups": frozenset({OWNER, MEMBER}),
    "public": NOT_BLOCKED | {VISITOR},
}
CLUB = frozenset({OWNER, MEMBER})  # Olive's invite-only group
GPX = SHARED_DATA / "activities" / "gpx"


@dataclass(frozen=True)
class Thing:
    """One object a URL can name: its kind (what a URL argument holds), key and audience."""

    kind: str
    key: Any
    audience: frozenset[str]
    reveals: frozenset[str] = frozenset()  # markers a URL naming it may show to anyone


@dataclass
class World:
    people: dict[str, Any]
    olive: Any
    handle: str
    things: list[Thing] = field(default_factory=list)
    markers: dict[str, frozenset[str]] = field(default_factory=dict)
    # Markers no page shows even to Olive, with the reason (the sanity check skips them).
    unshown: dict[str, str] = field(default_factory=dict)

    def add(
        self, kind: str, key: Any, audience: frozenset[str], reveals: frozenset[str] = frozenset()
    ) -> None:
        self.things.append(Thing(kind, key, audience, reveals))

    def mark(self, what: str, audience: frozenset[str]) -> str:
        text = f"LEAK&{what}-{len(self.markers):03d}"
        self.markers[text] = audience
        return text

    def of_kind(self, kind: str) -> list[Thing]:
        return [thing for thing in self.things if thing.kind == kind]


def _person(email: str, name: str, handle: str) -> Any:
    user = make_user(email)
    Profile.objects.filter(user_id=user.pk).update(display_name=name, handle=handle)
    return user


def build_world() -> World:
    olive = _person("olive-leak@example.org", "Olive", "olive")
    people = {
        STRANGER: _person("stranger@example.org", "Sam Stranger", "sam"),
        BUDDY: _person("buddy@example.org", "Bea Buddy", "bea"),
        MEMBER: _person("member@example.org", "Max Member", "max"),
        OWNER: olive,
    }
    world = World(people=people, olive=olive, handle="olive")
    # The one she blocked is shown their own name; nobody else may learn whom she blocked.
    name = world.mark("blocked-name", frozenset({OWNER, BLOCKED}))
    people[BLOCKED] = _person("blocked@example.org", name, "blockedone")
    world.markers["olive-leak@example.org"] = ONLY_OLIVE  # her address, seen by her alone
    pair = Buddyship.objects.create(
        requester=olive, addressee=people[BUDDY], status=Buddyship.Status.ACCEPTED
    )
    world.add("buddyship", pair.pk, frozenset({OWNER, BUDDY}))
    world.add("person", "olive", NOT_BLOCKED)
    _groups(world)
    _runs_and_stories(world)
    _wellbeing(world)
    _settings_and_others(world, pair)
    return world


def _groups(world: World) -> None:
    olive, member = world.olive, world.people[MEMBER]
    shown_on_invite = (world.mark("group-name", CLUB), world.mark("group-description", CLUB))
    club = Group.objects.create(
        name=shown_on_invite[0],
        slug="leak-club",
        invite_only=True,
        description=shown_on_invite[1],
        support_resources=world.mark("group-support", CLUB),
    )
    Membership.objects.create(group=club, user=olive, role=Role.ORGANISER)
    Membership.objects.create(group=club, user=member)
    # The invite code is the key to an invite-only group: only its organiser is shown it.
    world.markers[club.invite_code] = ONLY_OLIVE
    open_group = Group.objects.create(name="Open Joggers", slug="open-joggers")
    Membership.objects.create(group=open_group, user=olive, role=Role.ORGANISER)
    for group, audience in ((club, CLUB), (open_group, SIGNED_IN)):
        world.add("group", group.pk, audience)
        world.add("group_slug", group.slug, audience)
        # Whoever holds an invite link may open it and read the group's name and description:
        # the code is a capability, not a secret the page must keep from its holder.
        world.add("group_code", group.invite_code, SIGNED_IN, frozenset(shown_on_invite))
        event = GroupRun.objects.create(
            group=group,
            title=world.mark("event-title", audience),
            description=world.mark("event-description", audience),
            place=world.mark("event-place", audience),
            first_date=date(2026, 6, 1),
            local_time=time(9, 0),
        )
        occurrence = Occurrence.objects.create(group_run=event, date=date(2026, 6, 1))
        Rsvp.objects.create(occurrence=occurrence, user=olive)
        world.add("event", occurrence.pk, audience)
        goal = Goal.objects.create(
            group=group, title=world.mark("group-goal", audience), metric="distance",
            target=100, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30),
        )  # fmt: skip
        GoalParticipant.objects.create(goal=goal, user=olive)
        world.add("goal", goal.pk, audience)
    for user in (olive, member):
        world.add("member_user", user.pk, SIGNED_IN)


def _runs_and_stories(world: World) -> None:
    olive = world.olive
    for visibility, audience in AUDIENCE.items():
        run = Run.objects.create(
            user=olive,
            start=datetime(2026, 5, 1, 7, tzinfo=UTC),
            elapsed_s=1800,
            distance_m=5000,
            visibility=visibility,
            name=world.mark(f"run-name-{visibility}", audience),
            notes=world.mark(f"run-notes-{visibility}", ONLY_OLIVE),
        )
        world.add("run", run.pk, audience)
        for kind, feeling in (("before_run", -3), ("after_run", 4)):
            note = world.mark("run-checkin-note", ONLY_OLIVE)
            when = run.start - timedelta(minutes=5)
            record(olive, CheckInData(feeling, when, kind, note=note, run_id=run.pk))
        story = Story.objects.create(
            author=olive,
            title=world.mark(f"story-title-{visibility}", audience),
            body=world.mark(f"story-body-{visibility}", audience),
            visibility=visibility,
        )
        world.add("story", story.pk, audience)
        for target in ({"run": run}, {"story": story}):
            comment = Comment.objects.create(
                author=olive, body=world.mark(f"comment-{visibility}", audience), **target
            )
            world.add("comment", comment.pk, audience)
            Cheer.objects.create(user=olive, **target)
    held = Story.objects.create(
        author=olive,
        title=world.mark("story-held", ONLY_OLIVE),
        body=world.mark("story-held-body", ONLY_OLIVE),
        visibility="public",
        status=Status.HELD,
    )
    world.add("story", held.pk, ONLY_OLIVE)
    job = import_files(olive, [(GPX / "gpxpy__korita-zbevnica.gpx", "korita.gpx")])
    world.add("import", job.pk, ONLY_OLIVE)
    for run in Run.objects.filter(user=olive, source="file"):  # streams and a map
        run.notes = world.mark("imported-run-notes", ONLY_OLIVE)
        run.save(update_fields=["notes"])
        world.add("run", run.pk, ONLY_OLIVE)


def _wellbeing(world: World) -> None:
    olive = world.olive
    now = timezone.now()
    checkin = record(
        olive,
        CheckInData(
            -4, now - timedelta(days=1), stress=9, sleep_hours=3.5,
            tags=[world.mark("tag", ONLY_OLIVE)], note=world.mark("checkin-note", ONLY_OLIVE),
        ),
    )  # fmt: skip
    world.add("checkin", checkin.pk, ONLY_OLIVE)
    Preferences.objects.filter(pk=Preferences.for_user(olive).pk).update(ask_phq9_item9=True)
    for instrument, answers in (("phq9", [3, 3, 2, 2, 3, 2, 2, 1, 2]), ("gad7", [2] * 7)):
        response, _ = answer(olive, instrument, answers)
        world.add("response", response.pk, ONLY_OLIVE)
    for instrument in ("phq9", "gad7", "who5"):
        world.add("instrument", instrument, SIGNED_IN)
    save_plan(
        olive,
        {"warning_signs": world.mark("safety-plan", ONLY_OLIVE)},
        trusted_name=world.mark("safety-trusted", ONLY_OLIVE),
        trusted_phone="+44 7700 900123",
    )
    experiment = experiments.start(olive, "run_or_rest", 4)
    world.add("experiment", experiment.pk, ONLY_OLIVE)
    choose(olive, "small-steps", "week-1")
    plan_run = record_session(
        olive, SessionData("week-1", now - timedelta(hours=3), 1800, True, -2, 3, 5, [])
    )
    Run.objects.filter(pk=plan_run.pk).update(notes=world.mark("plan-run-notes", ONLY_OLIVE))
    world.add("run", plan_run.pk, ONLY_OLIVE)


def _settings_and_others(world: World, pair: Buddyship) -> None:
    olive, stranger, buddy = world.olive, world.people[STRANGER], world.people[BUDDY]
    token, _ = ApiToken.objects.issue(olive, world.mark("token-name", ONLY_OLIVE))
    world.add("token", token.pk, ONLY_OLIVE)
    place = PrivacyPlace.objects.create(
        user=olive, name=world.mark("privacy-place", ONLY_OLIVE), lat=46.05, lon=14.5
    )
    world.add("place", place.pk, ONLY_OLIVE)
    invite = invite_for(olive)
    world.markers[invite.code] = ONLY_OLIVE
    world.add("buddy_code", invite.code, NOT_BLOCKED)  # a capability, like a group's code
    goal = Goal.objects.create(
        buddyship=pair, title=world.mark("buddy-goal", frozenset({OWNER, BUDDY})),
        metric="sessions", target=10, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30),
    )  # fmt: skip
    for user in (olive, buddy):
        GoalParticipant.objects.create(goal=goal, user=user)
    world.add("goal", goal.pk, frozenset({OWNER, BUDDY}))
    asker = _person("asker@example.org", "Ada Asker", "ada")
    pending = Buddyship.objects.create(requester=asker, addressee=olive)
    world.add("buddyship", pending.pk, ONLY_OLIVE)
    made = block(olive, world.people[BLOCKED])
    world.add("block", made.pk, ONLY_OLIVE)
    note = notify(olive, "goal", world.mark("notification", ONLY_OLIVE), url="/feed/")
    assert note is not None
    world.add("notification", note.pk, ONLY_OLIVE)
    theirs = Story.objects.create(author=stranger, title="Sam's loop", body="Hills.")
    reason = world.mark("report", ONLY_OLIVE)
    Report.objects.create(reporter=olive, story=theirs, reason=reason)
    world.unshown[reason] = "a report's reason is read by moderators, not shown to its author"


# --------------------------------------------------------------------------- #
# What nobody but Olive may change
# --------------------------------------------------------------------------- #


def _rows(queryset: Any, *fields: str) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in queryset.order_by("pk").values_list("pk", *fields)}


def fingerprint(world: World, viewer: str) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Olive's data, section by section. A section named ``+...`` may gain rows made by others
    (a buddy request, a new member, a notification for her) but its rows may not change;
    every other section must stay exactly as it was. The viewer's own rows are left out:
    a member may leave, a buddy may end the buddyship."""
    from stridewell.accounts.models import ApiToken, PrivacyPlace, Profile
    from stridewell.community.models import Attendance, Block, BuddyInvite, Cheer, Notification
    from stridewell.insights.models import Experiment
    from stridewell.runs.models import ImportJob
    from stridewell.steps.models import PlanSession, Progress
    from stridewell.wellbeing.models import CheckIn, Response, SafetyPlan

    olive = world.olive
    me = world.people.get(viewer)
    mine: int = me.pk if me is not None else 0  # 0: nobody (a visitor owns no rows)
    groups = Group.objects.filter(memberships__user=olive)
    pairs = Buddyship.objects.filter(Q(requester=olive) | Q(addressee=olive))
    # A pair's goals belong to both: the buddy may set one up, or end it with the pair.
    ours = Q(buddyship__requester_id=mine) | Q(buddyship__addressee_id=mine)
    goals = Goal.objects.filter(Q(group__in=groups) | Q(buddyship__in=pairs)).exclude(ours)
    counting = GoalParticipant.objects.filter(user=olive).exclude(
        Q(goal__buddyship__requester_id=mine) | Q(goal__buddyship__addressee_id=mine)
    )
    return {
        "runs": _rows(Run.objects.filter(user=olive), "name", "notes", "visibility",
                      "share_feeling", "start", "elapsed_s", "distance_m", "run_type"),
        "stories": _rows(Story.objects.filter(author=olive), "title", "body", "visibility",
                         "status", "anonymous"),
        "comments": _rows(Comment.objects.filter(author=olive), "body", "status"),
        "cheers": _rows(Cheer.objects.filter(user=olive), "run_id", "story_id"),
        "check-ins": _rows(CheckIn.objects.filter(user=olive), "feeling", "note_ciphertext",
                           "recorded_at", "run_id"),
        "responses": _rows(Response.objects.filter(user=olive), "score", "answers"),
        "safety plan": _rows(SafetyPlan.objects.filter(user=olive), "content_ciphertext"),
        "experiments": _rows(Experiment.objects.filter(user=olive), "status", "weeks"),
        "tokens": _rows(ApiToken.objects.filter(user=olive), "name", "key_hash"),
        "places": _rows(PrivacyPlace.objects.filter(user=olive), "name", "lat", "lon"),
        "profile": _rows(Profile.objects.filter(user=olive), "display_name", "handle",
                         "timezone", "hide_numbers", "notifications_off", "suspended_until"),
        "account": _rows(type(olive).objects.filter(pk=olive.pk), "email", "password",
                         "is_active"),
        "steps": _rows(Progress.objects.filter(user=olive), "plan_id", "step_id"),
        "plan sessions": _rows(PlanSession.objects.filter(user=olive), "run_id", "completed"),
        "imports": _rows(ImportJob.objects.filter(user=olive), "status", "total"),
        "blocks": _rows(Block.objects.filter(blocker=olive), "blocked_id"),
        "buddy invites": _rows(BuddyInvite.objects.filter(user=olive), "code"),
        "groups": _rows(groups, "name", "slug", "description", "invite_only", "invite_code",
                        "support_resources"),
        "group runs": _rows(GroupRun.objects.filter(group__in=groups), "title", "place",
                            "description", "cancelled", "first_date", "capacity"),
        "events": _rows(Occurrence.objects.filter(group_run__group__in=groups), "date", "code"),
        "goals": _rows(goals, "title", "target", "ends_on"),
        "rsvps": _rows(Rsvp.objects.filter(user=olive), "occurrence_id"),
        "attendance": _rows(Attendance.objects.filter(user=olive), "result_s", "share_result"),
        "+memberships": _rows(Membership.objects.filter(group__in=groups).exclude(user_id=mine),
                              "role", "user_id"),
        "+buddyships": _rows(pairs.exclude(requester_id=mine).exclude(addressee_id=mine),
                             "status"),
        "+notifications": _rows(Notification.objects.filter(user=olive), "text", "read_at"),
        "+goal counting": _rows(counting, "counting"),
    }  # fmt: skip
