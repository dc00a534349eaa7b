"""Pages for groups, group runs and shared goals. Thin: the work is in groups, events and goals.

Every object is looked up through ``can_view``; anything not visible is a 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stridewell.accounts.models import Profile
from stridewell.community import events, goals, groups, milestones
from stridewell.community.forms_groups import GoalForm, GroupForm, GroupRunForm
from stridewell.community.groups import GroupError
from stridewell.community.models import (
    Buddyship,
    Goal,
    Group,
    Occurrence,
    Role,
    Rsvp,
)
from stridewell.community.visibility import can_view
from stridewell.lib.http import AuthedRequest
from stridewell.lib.units import parse_duration

MEMBERS_ON_GROUP_PAGE = 30


def _profile(request: AuthedRequest) -> Profile:
    return Profile.objects.for_request(request)


def _group(request: AuthedRequest, slug: str) -> Group:
    group = get_object_or_404(Group, slug=slug)
    if not can_view(request.user, group):
        raise Http404("No such group")
    return group


def _event(request: AuthedRequest, event_id: int) -> Occurrence:
    rows = Occurrence.objects.select_related("group_run__group", "sweeper__profile")
    found = get_object_or_404(rows, pk=event_id)
    if not can_view(request.user, found):
        raise Http404("No such group run")
    return found


def _goal(request: AuthedRequest, goal_id: int) -> Goal:
    rows = Goal.objects.select_related("group", "buddyship", "created_by")
    goal = get_object_or_404(rows, pk=goal_id)
    if not can_view(request.user, goal):
        raise Http404("No such goal")
    return goal


def _done(request: AuthedRequest, work: Any, success: str, to: str) -> HttpResponse:
    """Run ``work``; say ``success`` or the kind reason it could not be done; go to ``to``."""
    try:
        work()
    except GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(to)


# --------------------------------------------------------------------------- #
# Groups
# --------------------------------------------------------------------------- #


@login_required
def group_list(request: AuthedRequest) -> HttpResponse:
    visible = groups.visible_groups(request.user).annotate(
        member_count=Count("memberships", distinct=True)
    )
    mine = visible.filter(memberships__user_id=request.user.pk).order_by("name")
    open_ones = visible.filter(invite_only=False).exclude(memberships__user_id=request.user.pk)
    context = {
        "mine": mine,
        "open_groups": open_ones.order_by("-member_count", "name")[:30],
        "milestones": milestones.summary(request.user),
        "steps": milestones.MILESTONES,
    }
    return render(request, "community/groups/list.html", context)


@login_required
def group_new(request: AuthedRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, initial={"timezone": _profile(request).timezone})
    if request.method == "POST" and form.is_valid():
        try:
            group = groups.create_group(request.user, **form.cleaned_data)
        except GroupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your group is ready. Plan a first group run when you like.")
            return redirect("groups:detail", slug=group.slug)
    return render(request, "community/groups/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    if not groups.is_organiser(request.user, group):
        raise Http404("No such page")
    initial = {f: getattr(group, f) for f in GroupForm.base_fields}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            groups.update_group(request.user, group, **form.cleaned_data)
        except GroupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved.")
            return redirect("groups:detail", slug=group.slug)
    return render(request, "community/groups/group_form.html", {"form": form, "group": group})


@login_required
def group_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    mine = groups.membership(request.user, group)
    context: dict[str, Any] = {"group": group, "mine": mine, "upcoming": []}
    context["member_count"] = group.memberships.count()
    context["upcoming"] = _with_times(request, events.upcoming(group))
    if mine is not None:
        context.update(_member_context(request, group, mine))
    return render(request, "community/groups/detail.html", context)


def _member_context(request: AuthedRequest, group: Group, mine: Any) -> dict[str, Any]:
    """What only members see: who's in, goals, their own milestones, RSVPs."""
    members = groups.members_for(request.user, group)
    found_goals = list(goals.group_goals(group)[:6])
    for goal in found_goals:
        goals.announce_milestones(goal)
    going = set(
        Rsvp.objects.filter(user_id=request.user.pk).values_list("occurrence_id", flat=True)
    )
    return {
        "members": members[:MEMBERS_ON_GROUP_PAGE],
        "more_members": max(0, members.count() - MEMBERS_ON_GROUP_PAGE),
        "goals": [(goal, goals.progress(goal, request.user)) for goal in found_goals],
        "milestones": milestones.summary(request.user),
        "here": milestones.summary(request.user, group),
        "going_ids": going,
        "is_organiser": mine.role == Role.ORGANISER,
        "sees_support": mine.role in (Role.ORGANISER, Role.CHAMPION),
        "recent": _with_times(request, events.recent(group)) if mine.role == Role.ORGANISER else [],
        "invite_url": request.build_absolute_uri(f"/groups/join/{group.invite_code}/"),
    }


def _with_times(request: AuthedRequest, found: list[Occurrence]) -> list[dict[str, Any]]:
    tz = _profile(request).tzinfo
    return [{"occ": occ, **events.times(occ, tz)} for occ in found]


@login_required
def group_members(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    mine = groups.membership(request.user, group)
    if mine is None:
        raise Http404("No such page")
    context = {
        "group": group,
        "mine": mine,
        "members": groups.members_for(request.user, group),
        "roles": Role.choices,
        "is_organiser": mine.role == Role.ORGANISER,
    }
    return render(request, "community/groups/members.html", context)


@login_required
def group_support(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    mine = groups.membership(request.user, group)
    if mine is None or mine.role not in (Role.ORGANISER, Role.CHAMPION):
        raise Http404("No such page")
    context = {"group": group, "is_organiser": mine.role == Role.ORGANISER}
    return render(request, "community/groups/support.html", context)


@login_required
@require_POST
def group_join(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    return _join(request, group, request.POST.get("code", ""))


def _join(request: AuthedRequest, group: Group, code: str) -> HttpResponse:
    try:
        groups.join(request.user, group, code)
    except GroupError as exc:
        messages.error(request, str(exc))
        return redirect("groups:list")
    messages.success(request, f"Welcome to {group.name}!")
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_POST
def join_by_code(request: AuthedRequest) -> HttpResponse:
    code = request.POST.get("code", "")
    group = groups.find_by_code(code)
    if group is None:
        messages.error(request, "That code doesn't match a group. Check it with whoever shared it.")
        return redirect("groups:list")
    return _join(request, group, code)


@login_required
def invite(request: AuthedRequest, code: str) -> HttpResponse:
    """An invite link: the group's name and description, and a button to join."""
    group = groups.find_by_code(code)
    if group is None:
        raise Http404("This invite link doesn't work any more.")
    if request.method == "POST":
        return _join(request, group, code)
    if groups.membership(request.user, group) is not None:
        return redirect("groups:detail", slug=group.slug)
    context = {"group": group, "code": code, "member_count": group.memberships.count()}
    return render(request, "community/groups/invite.html", context)


@login_required
@require_POST
def group_leave(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    groups.leave(request.user, group)
    messages.success(request, f"You've left {group.name}. You're welcome back any time.")
    return redirect("groups:list")


@login_required
@require_POST
def new_code(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    back = f"/groups/{group.slug}/"
    return _done(
        request,
        lambda: groups.regenerate_code(request.user, group),
        "A new invite code is ready; the old code and link no longer work.",
        back,
    )


@login_required
@require_POST
def member_role(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    group = _group(request, slug)
    role = request.POST.get("role", "")
    return _done(
        request,
        lambda: groups.set_role(request.user, group, user_id, role),
        "Role changed.",
        f"/groups/{group.slug}/members/",
    )


@login_required
@require_POST
def member_remove(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    group = _group(request, slug)
    note = request.POST.get("note", "")
    return _done(
        request,
        lambda: groups.remove_member(request.user, group, user_id, note),
        "Removed from the group. They no longer see it.",
        f"/groups/{group.slug}/members/",
    )


# --------------------------------------------------------------------------- #
# Group runs
# --------------------------------------------------------------------------- #


@login_required
def run_new(request: AuthedRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    if not groups.is_organiser(request.user, group):
        raise Http404("No such page")
    start = timezone.localdate(timezone=group.tzinfo) + timedelta(days=1)
    form = GroupRunForm(request.POST or None, initial={"first_date": start})
    if request.method == "POST" and form.is_valid():
        try:
            group_run = events.create_group_run(request.user, group, **form.fields_for_model())
        except GroupError as exc:
            form.add_error(None, str(exc))
        else:
            first = events.occurrences(group_run, group_run.first_date, group_run.first_date)
            messages.success(request, "Planned. Members can now say they're coming.")
            return redirect(events.event_url(first[0]) if first else f"/groups/{group.slug}/")
    return render(request, "community/groups/run_form.html", {"form": form, "group": group})


@login_required
def event_detail(request: AuthedRequest, event_id: int) -> HttpResponse:
    occurrence = _event(request, event_id)
    events.link_attendance_runs(request.user)
    return render(request, "community/groups/event.html", _event_context(request, occurrence))


def _event_context(request: AuthedRequest, occurrence: Occurrence) -> dict[str, Any]:
    group = occurrence.group_run.group
    mine = groups.membership(request.user, group)
    is_organiser = mine is not None and mine.role == Role.ORGANISER
    attendance = occurrence.attendances.filter(user_id=request.user.pk).first()
    context = {
        "occ": occurrence,
        "run": occurrence.group_run,
        "group": group,
        "mine": mine,
        "is_organiser": is_organiser,
        "going_count": occurrence.rsvps.count(),
        "am_going": occurrence.rsvps.filter(user_id=request.user.pk).exists(),
        "going": events.going(request.user, occurrence),
        "attendees": events.attendees(request.user, occurrence),
        "attendance": attendance,
        "results": events.results_for(request.user, occurrence),
        "past": events.is_past(occurrence),
        "today": events.is_today(occurrence),
        "can_mark": is_organiser and occurrence.date <= timezone.localdate(timezone=group.tzinfo),
        **events.times(occurrence, _profile(request).tzinfo),
    }
    capacity = occurrence.group_run.capacity
    context["places_left"] = max(0, capacity - context["going_count"]) if capacity else None
    if context["can_mark"]:
        context["roll"] = events.roll_call(occurrence)
    return context


@login_required
@require_POST
def event_rsvp(request: AuthedRequest, event_id: int) -> HttpResponse:
    occurrence = _event(request, event_id)
    error = ""
    try:
        if request.POST.get("going") == "no":
            events.cancel_rsvp(request.user, occurrence)
        else:
            events.rsvp(request.user, occurrence)
    except GroupError as exc:
        error = str(exc)
    if request.headers.get("HX-Request"):
        context = {**_event_context(request, occurrence), "rsvp_error": error}
        return render(request, "community/groups/_rsvp.html", context)
    if error:
        messages.error(request, error)
    return redirect(events.event_url(occurrence))


@login_required
@require_POST
def event_sweep(request: AuthedRequest, event_id: int) -> HttpResponse:
    occurrence = _event(request, event_id)
    if request.POST.get("sweep") == "no":
        events.step_back_as_sweeper(request.user, occurrence)
        messages.success(request, "No problem — someone else can sweep this time.")
        return redirect(events.event_url(occurrence))
    return _done(
        request,
        lambda: events.volunteer_as_sweeper(request.user, occurrence),
        "Thank you for sweeping: nobody will be last alone.",
        events.event_url(occurrence),
    )


@login_required
@require_POST
def event_checkin(request: AuthedRequest, event_id: int) -> HttpResponse:
    occurrence = _event(request, event_id)
    return _done(
        request,
        lambda: events.check_in(request.user, occurrence, request.POST.get("code", "")),
        "You're checked in. Lovely to have you along!",
        events.event_url(occurrence),
    )


@login_required
@require_POST
def event_attendance(request: AuthedRequest, event_id: int) -> HttpResponse:
    occurrence = _event(request, event_id)
    came = {int(v) for v in request.POST.getlist("came") if v.isdigit()}
    results = _posted_results(request, came)
    return _done(
        request,
        lambda: events.set_attendance(request.user, occurrence, came, results),
        "Attendance saved. Thank you for keeping track.",
        events.event_url(occurrence),
    )


def _posted_results(request: AuthedRequest, came: set[int]) -> dict[int, tuple[Any, Any]]:
    results = {}
    for user_id in came:
        time_s = parse_duration(request.POST.get(f"time_{user_id}", ""))
        position = request.POST.get(f"position_{user_id}", "")
        results[user_id] = (time_s, int(position) if position.isdigit() else None)
    return results


@login_required
@require_POST
def event_share(request: AuthedRequest, event_id: int) -> HttpResponse:
    occurrence = _event(request, event_id)
    share = request.POST.get("share") == "yes"
    events.set_share_result(request.user, occurrence, share)
    word = "shown to the group" if share else "kept to yourself"
    messages.success(request, f"Your result is {word}.")
    return redirect(events.event_url(occurrence))


@login_required
@require_POST
def event_cancel(request: AuthedRequest, event_id: int) -> HttpResponse:
    occurrence = _event(request, event_id)
    group = occurrence.group_run.group
    return _done(
        request,
        lambda: events.cancel_group_run(request.user, occurrence.group_run),
        "Cancelled. Everyone who said they were coming has been told.",
        f"/groups/{group.slug}/",
    )


# --------------------------------------------------------------------------- #
# Goals
# --------------------------------------------------------------------------- #


@login_required
def goal_new(request: AuthedRequest, slug: str = "") -> HttpResponse:
    """A group's goal (``slug``) or two buddies' goal (``?buddy=<buddyship id>``)."""
    group = _group(request, slug) if slug else None
    pair = None if group else _buddyship(request)
    if group is not None and not groups.is_organiser(request.user, group):
        raise Http404("No such page")
    form = GoalForm(request.POST or None, initial={"metric": "distance"})
    if request.method == "POST" and form.is_valid():
        try:
            goal = goals.create_goal(request.user, group=group, buddyship=pair, **form.cleaned_data)
        except GroupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Goal set. Every walk and run in the period counts.")
            return redirect("groups:goal", goal_id=goal.pk)
    context = {"form": form, "group": group, "pair": pair}
    return render(request, "community/groups/goal_form.html", context)


def _buddyship(request: AuthedRequest) -> Buddyship:
    raw = request.GET.get("buddy") or request.POST.get("buddy") or ""
    pair = Buddyship.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
    if pair is None or request.user.pk not in (pair.requester_id, pair.addressee_id):
        raise Http404("No such buddy")
    return pair


@login_required
def goal_detail(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = _goal(request, goal_id)
    goals.announce_milestones(goal)
    context = {
        "goal": goal,
        "progress": goals.progress(goal, request.user),
        "me": goals.participant(request.user, goal),
        "recommended": goals.RECOMMENDED_PEOPLE,
        "unit": goals.UNITS[goal.metric],
        "partner": goal.buddyship.other(request.user) if goal.buddyship else None,
    }
    return render(request, "community/groups/goal.html", context)


@login_required
@require_POST
def goal_counting(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = _goal(request, goal_id)
    counting = request.POST.get("counting") != "no"
    words = "Your walks and runs now count towards it." if counting else "Your runs won't count."
    return _done(
        request,
        lambda: goals.set_counting(request.user, goal, counting),
        words,
        f"/goals/{goal.pk}/",
    )
