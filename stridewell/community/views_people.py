"""Pages for people: the Together landing page, the feed, buddies, a person's page,
blocks and notifications. Thin: the work is in buddies, blocks, feed and notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from stridewell.accounts.models import Profile
from stridewell.community import blocks, buddies, milestones, moderation, notifications
from stridewell.community.feed import FeedError, feed_page
from stridewell.community.forms_people import BuddyRequestForm, NotificationSettingsForm
from stridewell.community.models import Membership
from stridewell.community.people import card, find_person
from stridewell.community.ratelimit import RateLimited
from stridewell.community.visibility import visible_runs, visible_stories
from stridewell.lib.http import AuthedRequest


def _next(request: AuthedRequest, default: str) -> str:
    """Where a form said to go back to, when it is a page of this site."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}) and wanted.startswith("/")
    return wanted if safe else default


def _render(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"community/people/{template}", context)


@login_required
def together(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context = {
        "unread": notifications.unread_count(user),
        "asking": buddies.incoming(user).count(),
        "buddy_count": buddies.buddies_of(user).count(),
        "group_count": Membership.objects.filter(user_id=user.pk).count(),
        "milestones": milestones.summary(user),
        "moderates": moderation.can_moderate(user),
    }
    return _render(request, "together.html", context)


@login_required
def feed(request: AuthedRequest) -> HttpResponse:
    try:
        page = feed_page(request.user, request.GET.get("before"))
    except FeedError as exc:
        messages.info(request, str(exc))
        return redirect("people:feed")
    return _render(request, "feed.html", {"page": page, "first": not request.GET.get("before")})


# --------------------------------------------------------------------------- #
# Buddies
# --------------------------------------------------------------------------- #


def _buddy_rows(user: Any) -> list[dict[str, Any]]:
    rows = []
    for pair in buddies.buddies_of(user):
        other = pair.other(user)
        rows.append({"pair": pair, "card": card(other, other.profile)})
    return rows


@login_required
def buddy_list(request: AuthedRequest, form: BuddyRequestForm | None = None) -> HttpResponse:
    user = request.user
    invite = buddies.invite_for(user)
    context = {
        "buddies": _buddy_rows(user),
        "incoming": [(p, card(p.requester, p.requester.profile)) for p in buddies.incoming(user)],
        "outgoing": [(p, card(p.addressee, p.addressee.profile)) for p in buddies.outgoing(user)],
        "form": form or BuddyRequestForm(),
        "invite_url": request.build_absolute_uri(
            reverse("people:invite", kwargs={"code": invite.code})
        ),
        "me": card(user),
    }
    return _render(request, "buddies.html", context)


def _try(request: AuthedRequest, action: Any, success: str = "") -> bool:
    """Run a buddy action, turning its kind refusals into a message for the person."""
    try:
        action()
    except (buddies.BuddyError, RateLimited) as exc:
        messages.error(request, str(exc))
        return False
    if success:
        messages.success(request, success)
    return True


@login_required
@require_POST
def buddy_request(request: AuthedRequest) -> HttpResponse:
    form = BuddyRequestForm(request.POST)
    if not form.is_valid():
        return buddy_list(request, form)
    handle = form.cleaned_data["handle"]
    _try(
        request,
        lambda: buddies.request(request.user, handle=handle),
        "Asked. You'll be buddies once they say yes.",
    )
    return redirect("people:buddies")


@login_required
@require_POST
def buddy_answer(request: AuthedRequest, pair_id: int, answer: str) -> HttpResponse:
    actions = {
        "accept": (buddies.accept, "You're buddies now."),
        "decline": (buddies.decline, "Declined. They won't be told."),
        "end": (buddies.end, "Done. Nobody was told."),
    }
    action, success = actions[answer]
    _try(request, lambda: action(request.user, pair_id), success)
    return redirect(_next(request, reverse("people:buddies")))


@login_required
@require_POST
def buddy_encourage(request: AuthedRequest, pair_id: int, what: str) -> HttpResponse:
    sent = {"cheer": "Cheer sent!", "nudge": "Sent. It's kind to ask."}[what]
    done = _try(request, lambda: buddies.encourage(request.user, pair_id, what))
    if request.headers.get("HX-Request"):
        text = sent if done else "Not sent — try again a little later."
        list(messages.get_messages(request))  # shown inline instead
        return HttpResponse(f'<span class="sent" role="status">{text}</span>')
    if done:
        messages.success(request, sent)
    return redirect("people:buddies")


@login_required
@require_POST
def invite_renew(request: AuthedRequest) -> HttpResponse:
    buddies.new_invite(request.user)
    messages.success(request, "Here is a new invite link. The old one no longer works.")
    return redirect("people:buddies")


@login_required
def invite(request: AuthedRequest, code: str) -> HttpResponse:
    try:
        inviter = buddies.inviter(request.user, code)
    except buddies.NotFound as exc:
        # 404 like anything not visible: the same for an unknown code and a blocked viewer.
        gone = _render(request, "invite.html", {"gone": str(exc)})
        gone.status_code = 404
        return gone
    if request.method == "POST" and _try(
        request,
        lambda: buddies.request(request.user, code=code),
        "Asked. You'll be buddies once they say yes.",
    ):
        return redirect("people:buddies")
    context = {"inviter": card(inviter), "code": code, "me": inviter.pk == request.user.pk}
    return _render(request, "invite.html", context)


# --------------------------------------------------------------------------- #
# A person's page, and blocking
# --------------------------------------------------------------------------- #


@login_required
def person(request: AuthedRequest, handle: str) -> HttpResponse:
    other = find_person(request.user, handle)
    if other is None:
        raise Http404("No such person")
    relation, pair = buddies.relation(request.user, other)
    stories = visible_stories(request.user).filter(author_id=other.pk)
    if relation != "me":  # an anonymous story must never lead back to its author
        stories = stories.filter(anonymous=False)
    context = {
        "person": card(other),
        "other": other,
        "relation": relation,
        "pair": pair,
        "runs": visible_runs(request.user).filter(user_id=other.pk).defer("streams_blob")[:20],
        "stories": stories[:20],
    }
    return _render(request, "person.html", context)


@login_required
@require_POST
def block_person(request: AuthedRequest, handle: str) -> HttpResponse:
    other = find_person(request.user, handle)
    if other is None or other.pk == request.user.pk:
        raise Http404("No such person")
    blocks.block(request.user, other)
    messages.success(
        request,
        f"You blocked @{card(other).handle}. They can no longer see your things or reach you.",
    )
    return redirect("people:blocked")


@login_required
def blocked(request: AuthedRequest) -> HttpResponse:
    rows = [(b, card(b.blocked, b.blocked.profile)) for b in blocks.blocks_by(request.user)]
    return _render(request, "blocked.html", {"rows": rows})


@login_required
@require_POST
def unblock(request: AuthedRequest, block_id: int) -> HttpResponse:
    if blocks.unblock(request.user, block_id):
        messages.success(request, "Unblocked. Nothing that ended with the block comes back.")
    return redirect("people:blocked")


# --------------------------------------------------------------------------- #
# Notifications
# --------------------------------------------------------------------------- #


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(notifications.for_user(request.user), 30).get_page(request.GET.get("page"))
    unread = notifications.unread_count(request.user)
    return _render(request, "notifications.html", {"page": page, "unread": unread})


def notification_badge(request: AuthedRequest) -> HttpResponse:
    """The nav's unread count, fetched after the page shows (htmx) so no page waits on it."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    return _render(request, "_badge.html", {"unread": notifications.unread_count(request.user)})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    notifications.mark_read(request.user)
    return redirect("people:notifications")


@login_required
def notification_open(request: AuthedRequest, notification_id: int) -> HttpResponse:
    url = notifications.open_one(request.user, notification_id)
    if url is None:
        raise Http404("No such notification")
    return redirect(url)


@login_required
def notification_settings(request: AuthedRequest) -> HttpResponse:
    profile = Profile.objects.for_user(request.user)
    form = NotificationSettingsForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your notification choices are saved.")
        return redirect(_next(request, reverse("people:notification_settings")))
    context = {"form": form, "email_configured": bool(settings.EMAIL_HOST)}
    return _render(request, "notification_settings.html", context)
