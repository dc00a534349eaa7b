"""Pages for runs and imports. Thin: the work is in models, imports and metrics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from stridewell.accounts.models import Profile
from stridewell.community.sharing import seen_by_others, series_for
from stridewell.lib.http import AuthedRequest
from stridewell.lib.units import unit_metres
from stridewell.runs import metrics
from stridewell.runs.forms import ManualRunForm, RunEditForm, RunFilterForm
from stridewell.runs.imports import start_import
from stridewell.runs.models import ImportJob, Run
from stridewell.runs.visibility import can_view, streams_for
from stridewell.wellbeing.links import feelings_around


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("runs:list")
    return render(request, "runs/home.html")


def _profile(request: AuthedRequest) -> Profile:
    return Profile.objects.for_request(request)


def _visible_run(request: AuthedRequest, run_id: int) -> Run:
    run = get_object_or_404(Run, pk=run_id)
    if not can_view(request.user, run):
        raise Http404("No such run")
    return run


def _own_run(request: AuthedRequest, run_id: int) -> Run:
    return get_object_or_404(Run, pk=run_id, user_id=request.user.pk)


@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    filters = RunFilterForm(request.GET or None)
    runs = filters.filter(Run.objects.owned_by(request.user).without_streams())
    page = Paginator(runs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "total": Run.objects.owned_by(request.user).count(),
    }
    return render(request, "runs/list.html", context)


@login_required
def run_new(request: AuthedRequest) -> HttpResponse:
    profile = _profile(request)
    form = ManualRunForm(request.POST or None, units_name=profile.units)
    if request.method == "POST" and form.is_valid():
        run = form.save(request.user)
        messages.success(request, "Saved. Every step counts.")
        return redirect("runs:detail", run_id=run.pk)
    return render(request, "runs/new.html", {"form": form})


@login_required
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = _visible_run(request, run_id)
    profile = _profile(request)
    is_owner = run.user_id == request.user.pk
    # Whose run, whether its numbers are hidden from me, a shared feeling, cheers.
    shared = seen_by_others(request.user, run)
    hidden = profile.hide_numbers or shared["numbers_hidden_by_owner"]
    splits = []
    if run.has_streams and not hidden:
        splits = metrics.splits(streams_for(request.user, run), unit_m=unit_metres(profile.units))
    context = {
        "run": run,
        "splits": splits,
        "is_owner": is_owner,
        "units": profile.units,
        "numbers_hidden": hidden,
        **shared,
    }
    if is_owner:  # how the person felt is theirs alone
        context.update(feelings_around(run))
    return render(request, "runs/detail.html", context)


@login_required
def run_streams(request: AuthedRequest, run_id: int) -> JsonResponse:
    run = _visible_run(request, run_id)
    return JsonResponse(series_for(request.user, run))


@login_required
def run_edit(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = _own_run(request, run_id)
    form = RunEditForm(request.POST or None, instance=run)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Changes saved.")
        return redirect("runs:detail", run_id=run.pk)
    return render(request, "runs/edit.html", {"form": form, "run": run})


@login_required
@require_POST
def run_delete(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = _own_run(request, run_id)
    run.delete()
    messages.success(request, f"“{run.title}” was deleted.")
    return redirect("runs:list")


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            messages.error(request, "Choose one or more files (or a folder) to import.")
        else:
            job = start_import(request.user, files)
            return redirect("runs:import_status", job_id=job.pk)
    jobs = ImportJob.objects.filter(user_id=request.user.pk)[:10]
    return render(request, "runs/import.html", {"jobs": jobs})


@login_required
def import_status(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=job_id, user_id=request.user.pk)
    template = (
        "runs/_import_progress.html"
        if request.headers.get("HX-Request")
        else "runs/import_status.html"
    )
    context = {
        "job": job,
        "counts": job.counts(),
        "items": job.items.select_related("run") if job.is_finished else [],
    }
    return render(request, template, context)
