"""Pages for stories, comments, cheers, reports and moderation. Thin: the work is in
stories.py, comments.py, cheers.py and moderation.py, which the API calls too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from stridewell.community import moderation
from stridewell.community.cheers import cheer, on_target, target_url, uncheer
from stridewell.community.comments import add_comment, delete_comment, visible_comment
from stridewell.community.forms_stories import ReportForm, StoryForm
from stridewell.community.models import Comment, Report, Status, Story
from stridewell.community.posting import PostingError, story_byline, suspension_message
from stridewell.community.ratelimit import RateLimited
from stridewell.community.safety import GUIDANCE
from stridewell.community.stories import (
    StoryInput,
    cards,
    create_story,
    delete_story,
    edit_story,
    list_stories,
    own_story,
    visible_story,
)
from stridewell.community.visibility import can_view
from stridewell.lib.http import AuthedRequest
from stridewell.runs.models import Run

View = Callable[..., HttpResponse]


def signed_in_or_public(view: View) -> View:
    """Signed-in people always; visitors only where the operator turned public pages on."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and not settings.PUBLIC_PAGES:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _visible_run(request: HttpRequest, run_id: int) -> Run:
    run = get_object_or_404(Run.objects.without_streams(), pk=run_id)
    if not can_view(request.user, run):
        raise Http404("No such run")
    return run


# --------------------------------------------------------------------------- #
# Stories
# --------------------------------------------------------------------------- #


@signed_in_or_public
def story_list(request: HttpRequest) -> HttpResponse:
    tag = slugify(request.GET.get("tag", ""))
    page = Paginator(list_stories(request.user, tag), 20).get_page(request.GET.get("page"))
    context = {"page": page, "cards": cards(request.user, page.object_list), "tag": tag}
    return render(request, "community/stories/list.html", context)


@signed_in_or_public
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    story = visible_story(request.user, story_id)
    (card,) = cards(request.user, [story])
    context = {"card": card, "story": story, "viewer": request.user}
    return render(request, "community/stories/detail.html", context)


def _saved(request: HttpRequest, story: Story) -> HttpResponse:
    # A held story says so on its own page, with the help link, in place of "saved".
    if story.status == Status.PUBLISHED:
        messages.success(request, "Your story is saved. Thank you for sharing it.")
    return redirect("stories:detail", story_id=story.pk)


@login_required
def story_new(request: AuthedRequest) -> HttpResponse:
    form = StoryForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return _saved(request, create_story(request.user, form.to_input()))
        except (PostingError, RateLimited) as exc:
            form.add_error(None, str(exc))
    context = {"form": form, "story": None, "paused": suspension_message(request.user)}
    return render(request, "community/stories/edit.html", context)


@login_required
def story_edit(request: AuthedRequest, story_id: int) -> HttpResponse:
    story = own_story(request.user, story_id)
    initial = StoryForm.initial_for(StoryInput.of(story))
    form = StoryForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            return _saved(request, edit_story(request.user, story, form.to_input()))
        except PostingError as exc:
            form.add_error(None, str(exc))
    context = {"form": form, "story": story, "paused": suspension_message(request.user)}
    return render(request, "community/stories/edit.html", context)


@login_required
@require_POST
def story_delete(request: AuthedRequest, story_id: int) -> HttpResponse:
    story = own_story(request.user, story_id)
    delete_story(request.user, story)
    messages.success(request, f"“{story.title}” was deleted.")
    return redirect("stories:list")


# --------------------------------------------------------------------------- #
# Comments and cheers (htmx swaps the partial; without JavaScript, back to the page)
# --------------------------------------------------------------------------- #


def _comments_response(request: HttpRequest, target: Run | Story, **extra: Any) -> HttpResponse:
    if _htmx(request):
        context = {**on_target(target), "viewer": request.user, **extra}
        return render(request, "community/_comments.html", context)
    if extra.get("error"):
        messages.error(request, extra["error"])
    elif extra.get("held"):
        messages.info(
            request, "Thank you. A person will read your comment soon, before others see it."
        )
    return redirect(f"{target_url(target)}#comments")


def _comment(request: AuthedRequest, target: Run | Story) -> HttpResponse:
    body = request.POST.get("body", "")
    parent_id = int(request.POST.get("parent") or 0) or None
    try:
        made = add_comment(request.user, body, parent_id=parent_id, **on_target(target))
    except (PostingError, RateLimited) as exc:
        return _comments_response(request, target, error=str(exc), draft=body)
    return _comments_response(request, target, held=made.status == Status.HELD)


@login_required
@require_POST
def story_comment(request: AuthedRequest, story_id: int) -> HttpResponse:
    return _comment(request, visible_story(request.user, story_id))


@login_required
@require_POST
def run_comment(request: AuthedRequest, run_id: int) -> HttpResponse:
    return _comment(request, _visible_run(request, run_id))


@login_required
@require_POST
def comment_delete(request: AuthedRequest, comment_id: int) -> HttpResponse:
    comment = visible_comment(request.user, comment_id)
    target: Run | Story = comment.run or comment.story  # type: ignore[assignment]
    try:
        delete_comment(request.user, comment_id)
    except PermissionDenied as exc:
        return _comments_response(request, target, error=str(exc))
    return _comments_response(request, target)


def _cheer(request: AuthedRequest, target: Run | Story) -> HttpResponse:
    try:
        if request.POST.get("do") == "uncheer":
            uncheer(request.user, **on_target(target))
        else:
            cheer(request.user, **on_target(target))
    except PostingError as exc:
        messages.error(request, str(exc))
    if _htmx(request):
        context = {**on_target(target), "viewer": request.user}
        return render(request, "community/_cheer.html", context)
    return redirect(target_url(target))


@login_required
@require_POST
def story_cheer(request: AuthedRequest, story_id: int) -> HttpResponse:
    return _cheer(request, visible_story(request.user, story_id))


@login_required
@require_POST
def run_cheer(request: AuthedRequest, run_id: int) -> HttpResponse:
    return _cheer(request, _visible_run(request, run_id))


# --------------------------------------------------------------------------- #
# Reports and moderation
# --------------------------------------------------------------------------- #


def _report_target(request: AuthedRequest) -> dict[str, Any]:
    """The story, comment or person named in the query, as the reporter may see it."""
    ids = {key: request.GET.get(key, "") for key in ("story", "comment", "user")}
    try:
        if ids["story"]:
            return {"story": visible_story(request.user, int(ids["story"]))}
        if ids["comment"]:
            return {"comment": visible_comment(request.user, int(ids["comment"]))}
        if ids["user"]:
            person = get_object_or_404(get_user_model(), pk=int(ids["user"]), is_active=True)
            if can_view(request.user, person):
                return {"user": person}
    except ValueError:
        pass
    raise Http404("Nothing to report here")


def _back_to(target: dict[str, Any]) -> str:
    if "story" in target:
        return target_url(target["story"])
    if "comment" in target:
        comment = target["comment"]
        return target_url(comment.run or comment.story)
    return "/stories/"


@login_required
def report_new(request: AuthedRequest) -> HttpResponse:
    target = _report_target(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.file_report(request.user, form.cleaned_data["reason"], **target)
        except (PostingError, RateLimited) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Thank you for telling us. A moderator will look at it; nobody is told who reported it.",
            )
            return redirect(_back_to(target))
    # "user" would shadow the signed-in person in templates.
    context = {"form": form, **target, "reported": target.get("user")}
    context.pop("user", None)
    if "story" in target:
        context["byline"] = story_byline(request.user, target["story"])
    return render(request, "community/stories/report.html", context)


@login_required
def moderation_queue(request: AuthedRequest) -> HttpResponse:
    items = moderation.queue(request.user)  # 404 for anyone who moderates nothing
    context = {
        "items": items,
        "guidance": GUIDANCE,
        "site_moderator": moderation.is_site_moderator(request.user),
        "viewer": request.user,
    }
    return render(request, "community/stories/moderation.html", context)


def _action_target(post: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, model in (
        ("report", Report),
        ("story", Story),
        ("comment", Comment),
        ("user", get_user_model()),
    ):
        value = post.get(key, "")
        if value:
            found[key] = get_object_or_404(model, pk=int(value) if value.isdigit() else 0)
    return found


@login_required
@require_POST
def moderation_act(request: AuthedRequest) -> HttpResponse:
    if not moderation.can_moderate(request.user):
        raise Http404
    days = request.POST.get("days") or "7"
    try:
        done = moderation.act(
            request.user,
            request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            days=int(days) if days.isdigit() else 0,
            **_action_target(request.POST),
        )
    except PostingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Done: {done.get_action_display().lower()}. It's in the log.")
    return redirect("stories:moderation")


@login_required
def moderation_log(request: AuthedRequest) -> HttpResponse:
    entries = moderation.log_for(request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(entry, moderation.describe(entry, request.user)) for entry in page.object_list]
    return render(request, "community/stories/log.html", {"page": page, "rows": rows})
