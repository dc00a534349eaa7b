"""/api/v1 for groups, group runs (events), attendance and shared goals.

Anything the caller may not see answers 404, exactly like something that does
not exist; a wrong invite code answers 404 too. What the caller may see but not
do (not an organiser, not a member) answers 403 with a sentence saying why.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import field_validator

from stridewell.api_errors import Problem
from stridewell.api_types import Bool, Id, Int, IsoDate, IsoTime, Number, Offset
from stridewell.community import events, goals, groups
from stridewell.community.groups import GroupError, NotAllowed
from stridewell.community.models import Buddyship, Goal, Group, GroupRun, Metric, Occurrence
from stridewell.community.people import card
from stridewell.community.visibility import can_view
from stridewell.lib.http import AuthedRequest

router = Router(tags=["groups"])


class GroupOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    invite_only: bool
    timezone: str
    member_count: int
    my_role: str | None = Field(description="organiser, champion, member, or null")
    invite_code: str | None = Field(description="Only for the group's organisers")
    url: str


class GroupPage(Schema):
    count: int
    items: list[GroupOut]


class GroupIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    invite_only: Bool = False
    timezone: str = Field(default="", description="Defaults to yours, e.g. Europe/London")
    support_resources: str = Field(default="", description="For the group's champions")


class GroupFilters(Schema):
    mine: bool = Field(default=False, description="Only groups I belong to")
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class CodeIn(Schema):
    code: str = Field(default="", description="The invite code, for invite-only groups")


class Person(Schema):
    display_name: str
    handle: str


class MemberOut(Person):
    role: str


class EventOut(Schema):
    id: int
    group_id: int
    group_run_id: int
    title: str
    description: str
    place: str
    date: date
    starts_at: str = Field(description="ISO 8601 with the group's UTC offset")
    timezone: str
    weekly: bool
    distance_m: float | None
    duration_min: int | None
    pace_promise: str
    walkers_welcome: bool
    capacity: int | None
    places_left: int | None
    going_count: int
    going: bool
    people_going: list[Person] = Field(description="Only for the group's members")
    has_sweeper: bool
    sweeper: Person | None = Field(description="Only for the group's members")
    attended: bool
    results_enabled: bool
    cancelled: bool
    code: str | None = Field(description="The check-in code; only for organisers")
    url: str


class EventIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    place: str = Field(min_length=1, max_length=200)
    first_date: IsoDate
    local_time: IsoTime = Field(description="In the group's timezone")
    weekly: Bool = False
    until: IsoDate | None = None
    description: str = ""
    distance_m: Number | None = Field(default=None, gt=0)
    duration_min: Int | None = Field(default=None, gt=0, le=1440)
    pace_promise: str | None = Field(default=None, max_length=200)
    walkers_welcome: Bool = True
    capacity: Int | None = Field(default=None, ge=0, le=10000)
    results_enabled: Bool = False

    @field_validator("local_time")
    @classmethod
    def wall_clock(cls, value: time) -> time:
        # The time is read in the group's timezone; an offset as well would contradict it.
        if value.tzinfo is not None:
            raise ValueError("Give the time without a UTC offset: it is in the group's timezone.")
        return value


class GroupRunOut(Schema):
    id: int
    title: str
    weekly: bool
    events: list[EventOut] = Field(description="The coming dates")


class AttendIn(Schema):
    code: str


class AttendanceOut(Schema):
    event_id: int
    swept: bool
    run_id: int | None
    share_result: bool


class GoalOut(Schema):
    id: int
    title: str
    metric: str
    unit: str
    target: float
    starts_on: date
    ends_on: date
    group_id: int | None
    buddyship_id: int | None
    total: float | None = Field(description="Everyone counting, together; null while hidden")
    percent: int | None
    people_counting: int
    few_people: bool = Field(description="Under 3 people count: the total is close to one person's")
    text: str
    taking_part: bool
    counting: bool


class GoalIn(Schema):
    title: str = Field(default="", max_length=120)
    metric: Metric
    target: Number = Field(gt=0, lt=10_000_000)
    starts_on: IsoDate
    ends_on: IsoDate


class BuddyGoalIn(GoalIn):
    buddy_id: Id = Field(description="The buddyship's id, as in /api/v1/buddies")


class CountingIn(Schema):
    counting: Bool = True


# --------------------------------------------------------------------------- #
# Looking things up: 404 for anything not visible
# --------------------------------------------------------------------------- #


def _group(request: AuthedRequest, group_id: int) -> Group:
    group = get_object_or_404(Group, pk=group_id)
    if not can_view(request.user, group):
        raise Http404
    return group


def _event(request: AuthedRequest, event_id: int) -> Occurrence:
    found = get_object_or_404(
        Occurrence.objects.select_related("group_run__group", "sweeper"), pk=event_id
    )
    if not can_view(request.user, found):
        raise Http404
    return found


def _goal(request: AuthedRequest, goal_id: int) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("group", "buddyship"), pk=goal_id)
    if not can_view(request.user, goal):
        raise Http404
    return goal


def _problem(exc: GroupError) -> Status[dict[str, str]]:
    return Status(403 if isinstance(exc, NotAllowed) else 400, {"detail": str(exc)})


ERRORS: dict[int, Any] = {400: Problem, 403: Problem}


# --------------------------------------------------------------------------- #
# Groups
# --------------------------------------------------------------------------- #


@router.get("/groups", response=GroupPage)
def list_groups(request: AuthedRequest, filters: Query[GroupFilters]) -> dict[str, Any]:
    found = groups.visible_groups(request.user).order_by("name", "pk")
    if filters.mine:
        found = found.filter(memberships__user_id=request.user.pk)
    page = found[filters.offset : filters.offset + filters.limit]
    return {"count": found.count(), "items": [groups.group_json(g, request.user) for g in page]}


@router.post("/groups", response={201: GroupOut, **ERRORS})
def create_group(request: AuthedRequest, payload: GroupIn) -> Status[dict[str, Any]]:
    try:
        group = groups.create_group(request.user, **payload.dict())
    except GroupError as exc:
        return _problem(exc)
    return Status(201, groups.group_json(group, request.user))


@router.get("/groups/{group_id}", response=GroupOut)
def get_group(request: AuthedRequest, group_id: int) -> dict[str, Any]:
    return groups.group_json(_group(request, group_id), request.user)


@router.post("/groups/{group_id}/join", response={200: GroupOut, 403: Problem, 404: Problem})
def join_group(request: AuthedRequest, group_id: int, payload: CodeIn) -> Status[dict[str, Any]]:
    group = Group.objects.filter(pk=group_id).first()
    missing = {"detail": "No group with that id and code."}
    if group is None:
        return Status(404, missing)
    try:
        groups.join(request.user, group, payload.code)
    except NotAllowed as exc:
        return Status(403, {"detail": str(exc)})
    except GroupError:
        return Status(404, missing)
    return Status(200, groups.group_json(group, request.user))


@router.post("/groups/{group_id}/leave", response=GroupOut)
def leave_group(request: AuthedRequest, group_id: int) -> dict[str, Any]:
    group = _group(request, group_id)
    groups.leave(request.user, group)
    return groups.group_json(group, request.user)


@router.get("/groups/{group_id}/members", response={200: list[MemberOut], 404: Problem})
def list_members(request: AuthedRequest, group_id: int) -> Status[Any]:
    group = _group(request, group_id)
    if groups.membership(request.user, group) is None:
        # Not visible to non-members, so 404 like anything else one may not see.
        return Status(404, {"detail": "Join the group to see who's in it."})
    rows = groups.members_for(request.user, group)
    return Status(200, [{**card(m.user, m.user.profile).as_dict(), "role": m.role} for m in rows])


# --------------------------------------------------------------------------- #
# Group runs (events)
# --------------------------------------------------------------------------- #


@router.get("/groups/{group_id}/events", response=list[EventOut])
def list_events(request: AuthedRequest, group_id: int) -> list[dict[str, Any]]:
    group = _group(request, group_id)
    return [events.event_json(occ, request.user) for occ in events.upcoming(group)]


@router.post("/groups/{group_id}/events", response={201: GroupRunOut, **ERRORS})
def create_event(request: AuthedRequest, group_id: int, payload: EventIn) -> Status[dict[str, Any]]:
    group = _group(request, group_id)
    try:
        group_run = events.create_group_run(request.user, group, **payload.dict())
    except GroupError as exc:
        return _problem(exc)
    return Status(201, _group_run_json(group_run, request))


def _group_run_json(group_run: GroupRun, request: AuthedRequest) -> dict[str, Any]:
    coming = [o for o in events.upcoming(group_run.group) if o.group_run_id == group_run.pk]
    return {
        "id": group_run.pk,
        "title": group_run.title,
        "weekly": group_run.weekly,
        "events": [events.event_json(o, request.user) for o in coming],
    }


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    return events.event_json(_event(request, event_id), request.user)


@router.post("/events/{event_id}/rsvp", response={200: EventOut, **ERRORS})
def rsvp(request: AuthedRequest, event_id: int) -> Status[dict[str, Any]]:
    occurrence = _event(request, event_id)
    try:
        events.rsvp(request.user, occurrence)
    except GroupError as exc:
        return _problem(exc)
    return Status(200, events.event_json(occurrence, request.user))


@router.delete("/events/{event_id}/rsvp", response=EventOut)
def cancel_rsvp(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    occurrence = _event(request, event_id)
    events.cancel_rsvp(request.user, occurrence)
    return events.event_json(occurrence, request.user)


@router.post("/events/{event_id}/attend", response={200: AttendanceOut, **ERRORS})
def attend(request: AuthedRequest, event_id: int, payload: AttendIn) -> Status[dict[str, Any]]:
    occurrence = _event(request, event_id)
    try:
        found = events.check_in(request.user, occurrence, payload.code)
    except GroupError as exc:
        return _problem(exc)
    return Status(
        200,
        {
            "event_id": occurrence.pk,
            "swept": found.swept,
            "run_id": found.run_id,
            "share_result": found.share_result,
        },
    )


# --------------------------------------------------------------------------- #
# Goals
# --------------------------------------------------------------------------- #


@router.get("/groups/{group_id}/goals", response={200: list[GoalOut], 404: Problem})
def list_goals(request: AuthedRequest, group_id: int) -> Status[Any]:
    group = _group(request, group_id)
    if groups.membership(request.user, group) is None:
        return Status(404, {"detail": "Join the group to see its goals."})
    return Status(200, [goals.goal_json(g, request.user) for g in goals.group_goals(group)])


@router.post("/groups/{group_id}/goals", response={201: GoalOut, **ERRORS})
def create_group_goal(
    request: AuthedRequest, group_id: int, payload: GoalIn
) -> Status[dict[str, Any]]:
    group = _group(request, group_id)
    try:
        goal = goals.create_goal(request.user, group=group, **payload.dict())
    except GroupError as exc:
        return _problem(exc)
    return Status(201, goals.goal_json(goal, request.user))


@router.post("/goals", response={201: GoalOut, 404: Problem, **ERRORS})
def create_buddy_goal(request: AuthedRequest, payload: BuddyGoalIn) -> Status[dict[str, Any]]:
    fields = payload.dict()
    pair = Buddyship.objects.filter(pk=fields.pop("buddy_id")).first()
    if pair is None or request.user.pk not in (pair.requester_id, pair.addressee_id):
        return Status(404, {"detail": "No buddy with that id."})
    try:
        goal = goals.create_goal(request.user, buddyship=pair, **fields)
    except GroupError as exc:
        return _problem(exc)
    return Status(201, goals.goal_json(goal, request.user))


@router.get("/goals/{goal_id}", response=GoalOut)
def get_goal(request: AuthedRequest, goal_id: int) -> dict[str, Any]:
    goal = _goal(request, goal_id)
    goals.announce_milestones(goal)
    return goals.goal_json(goal, request.user)


@router.post("/goals/{goal_id}/counting", response={200: GoalOut, **ERRORS})
def set_counting(
    request: AuthedRequest, goal_id: int, payload: CountingIn
) -> Status[dict[str, Any]]:
    goal = _goal(request, goal_id)
    try:
        goals.set_counting(request.user, goal, payload.counting)
    except GroupError as exc:
        return _problem(exc)
    return Status(200, goals.goal_json(goal, request.user))
