"""Runs and the imports that bring them in."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, models
from django.db.models import Q
from django.utils import timezone

from stridewell.runs.run_types import (
    History,
    RunFacts,
    RunType,
    automatic_type,
    is_indoor,
    named_indoor,
)

if TYPE_CHECKING:
    from stridewell.runs.importers.base import Streams


class Sport(models.TextChoices):
    RUNNING = "running", "Running"
    WALKING = "walking", "Walking"
    HIKING = "hiking", "Hiking"
    CYCLING = "cycling", "Cycling"
    SWIMMING = "swimming", "Swimming"
    MULTISPORT = "multisport", "Multisport"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    FILE = "file", "File"
    ARCHIVE = "archive", "Archive"
    MANUAL = "manual", "Manual entry"
    PLAN = "plan", "Plan session"


class Visibility(models.TextChoices):
    """Who may see a run. Ordered from most private to most public."""

    PRIVATE = "private", "Only me"
    BUDDIES = "buddies", "My buddies"
    GROUPS = "groups", "My groups"
    PUBLIC = "public", "Everyone on this instance"


class RunQuerySet(models.QuerySet["Run"]):
    def owned_by(self, user: Any) -> RunQuerySet:
        return self.filter(user_id=user.pk)

    def without_streams(self) -> RunQuerySet:
        """Lists never need the sample blobs: leave them in the database."""
        return self.defer("streams_blob")

    def on_days(self, since: date | None, until: date | None, tzinfo: tzinfo) -> RunQuerySet:
        """Runs from the start of ``since`` to the end of ``until``, as days in ``tzinfo``."""
        runs = self
        if since:
            runs = runs.filter(start__gte=datetime.combine(since, time.min, tzinfo))
        if until:
            runs = runs.filter(
                start__lt=datetime.combine(until, time.min, tzinfo) + timedelta(days=1)
            )
        return runs

    def record_manual(self, user: Any, start: datetime, elapsed_s: float, **fields: Any) -> Run:
        """A run entered by hand (page or API); a waiting "I'm heading out" check-in joins it.

        ``run_type`` and ``indoor``, when given, are the person's own word; otherwise
        both are worked out from what was entered (a manual walk is a walk).
        """
        run_type, indoor = fields.pop("run_type", None), fields.pop("indoor", None)
        run = self.model(
            user=user,
            start=start,
            end=start + timedelta(seconds=elapsed_s),
            elapsed_s=elapsed_s,
            moving_s=elapsed_s,
            source=Source.MANUAL,
            **fields,
        )
        run.correct(run_type=run_type or None, indoor=indoor, history=self.history(user.pk))
        run.save(force_insert=True)
        link_checkins([run])
        return run

    def history(self, user_id: int, exclude: int | None = None) -> History:
        """What a person's runs tell the classifier, in two small queries (run_types.History)."""
        from stridewell.accounts.models import Profile

        runs = self.filter(user_id=user_id)
        if exclude is not None:
            runs = runs.exclude(pk=exclude)
        rows = runs.values_list(
            "sport", "run_type", "elapsed_s", "moving_s", "distance_m", "max_hr"
        )
        profile_max = Profile.objects.filter(user_id=user_id).values_list("max_hr", flat=True)
        return History.from_rows(rows, profile_max_hr=next(iter(profile_max), None))

    def overlapping(self, start: datetime, end: datetime) -> RunQuerySet:
        """Runs starting within a minute of ``start`` whose time overlaps [start, end]."""
        near = timedelta(seconds=60)
        return self.filter(start__gte=start - near, start__lte=start + near).filter(
            Q(end__gte=start) | Q(end__isnull=True)
        )


def link_checkins(runs: list[Run]) -> None:
    """Let check-ins recorded on the way out find the runs just stored."""
    from stridewell.wellbeing.links import link_waiting

    for user_id in {run.user_id for run in runs}:
        link_waiting(user_id, [run for run in runs if run.user_id == user_id])


def restore_audiences(runs: list[Run]) -> None:
    """Groups picked for runs in an export come back where the person is still a member.

    A run shared with groups none of which the person belongs to here becomes
    private: an import never shows a run to more people than before.
    """
    from stridewell.community.sharing import restore_audience

    for run in runs:
        slugs = run.picked_groups
        if slugs and run.visibility == Visibility.GROUPS:
            restore_audience(run, slugs)


class Run(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runs"
    )
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(null=True, blank=True)
    sport = models.CharField(max_length=20, choices=Sport.choices, default=Sport.RUNNING)
    name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # The one way wellbeing reaches anyone else: this run's before→after feeling,
    # shown to those who can see the run, only when the owner ticks it.
    share_feeling = models.BooleanField(default=False)
    # Not stored: the groups an imported run was shared with, kept until it has an id.
    picked_groups: tuple[str, ...] = ()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    perceived_exertion = models.PositiveSmallIntegerField(null=True, blank=True)

    distance_m = models.FloatField(null=True, blank=True)
    elapsed_s = models.FloatField()
    moving_s = models.FloatField(null=True, blank=True)
    ascent_m = models.FloatField(null=True, blank=True)
    descent_m = models.FloatField(null=True, blank=True)
    avg_hr = models.FloatField(null=True, blank=True)
    max_hr = models.FloatField(null=True, blank=True)
    avg_cadence = models.FloatField(null=True, blank=True)
    max_cadence = models.FloatField(null=True, blank=True)
    hr_zones_s = models.JSONField(null=True, blank=True)
    points = models.PositiveIntegerField(default=0)
    gps_points = models.PositiveIntegerField(default=0)
    device = models.CharField(max_length=120, blank=True)
    sessions = models.JSONField(default=list, blank=True)
    laps = models.JSONField(default=list, blank=True)
    lost = models.TextField(blank=True, help_text="What could not be read from a damaged file.")
    # Worked out on import (run_types.classify) until the person says otherwise.
    run_type = models.CharField(max_length=12, choices=RunType.choices, blank=True, default="")
    run_type_by_user = models.BooleanField(default=False)
    indoor = models.BooleanField(default=False)
    indoor_by_user = models.BooleanField(default=False)

    # De-duplication: the hash of the original file (plus the activity's index
    # in it), and the id another service gave the activity ("strava:123").
    content_hash = models.CharField(max_length=80, blank=True)
    external_id = models.CharField(max_length=80, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    original_file = models.CharField(max_length=255, blank=True)
    streams_blob = models.BinaryField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["user", "-start"], name="run_user_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_hash"],
                condition=~Q(content_hash=""),
                name="run_unique_content_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.name or f"{self.get_sport_display()} on {self.start:%d %b %Y}"

    @property
    def has_streams(self) -> bool:
        return self.points > 0

    @property
    def pace_s_per_km(self) -> float | None:
        moving = self.moving_s or self.elapsed_s
        if not self.distance_m or not moving:
            return None
        return moving / (self.distance_m / 1000)

    @property
    def type_label(self) -> str:
        """The run type for badges; empty where it would only repeat the sport ("Walking · Walk")."""
        if self.run_type == RunType.WALK and self.sport in (Sport.WALKING, Sport.HIKING):
            return ""
        return self.get_run_type_display() if self.run_type else ""

    def facts(self) -> RunFacts:
        return RunFacts(
            sport=self.sport,
            elapsed_s=self.elapsed_s,
            moving_s=self.moving_s,
            distance_m=self.distance_m,
            avg_hr=self.avg_hr,
            name=self.name,
            notes=self.notes,
            laps=self.laps or (),
        )

    def automatic_run_type(self, history: History | None = None) -> str:
        """What the classifier says now, whatever the person chose."""
        if history is None:
            history = Run.objects.history(self.user_id, exclude=self.pk)
        streams = self.streams() if self.streams_blob else None
        return automatic_type(self.facts(), streams, history)

    def reclassify(self, history: History | None = None) -> None:
        """Work out again what the person has not corrected (after an edit; not saved here).

        Indoors is only ever added: the file's own word (a FIT treadmill sub-sport)
        is not kept, so what the import found stands.
        """
        if not self.run_type_by_user:
            self.run_type = self.automatic_run_type(history)
        if not self.indoor_by_user and not self.indoor:
            streams = self.streams() if self.streams_blob else None
            self.indoor = named_indoor(self.name) or (
                self.source != Source.MANUAL
                and is_indoor(
                    name=self.name, streams=streams, distance_m=self.distance_m, sport=self.sport
                )
            )

    def correct(
        self,
        *,
        run_type: str | None = None,
        indoor: bool | None = None,
        history: History | None = None,
    ) -> None:
        """The person's corrections, from the edit page and the API alike (not saved here).

        ``run_type``: a RunType value sticks; "" goes back to automatic; None leaves it.
        ``indoor``: sticks when it differs from what we had; None leaves it.
        Whatever is still automatic is then worked out again.
        """
        if run_type is not None:
            self.run_type_by_user = run_type != ""
            if run_type:
                self.run_type = run_type
        if indoor is not None and indoor != self.indoor:
            self.indoor, self.indoor_by_user = indoor, True
        self.reclassify(history)

    def streams(self) -> Streams:
        from stridewell.runs.importers.base import Streams
        from stridewell.runs.streams import unpack

        if not self.streams_blob:
            return Streams.empty()
        return unpack(bytes(self.streams_blob))


class ImportJob(models.Model):
    """One import (page upload, API upload or CLI), its progress and per-file results."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped by an error"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A running job's worker touches this every few seconds; a stale one means the
    # worker died (killed, machine restarted) and the job is retried (runs/tasks.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="runs_importjob_stale")]

    def __str__(self) -> str:
        return f"import {self.id}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def fail(self, error: str) -> None:
        """End the job as failed with a sentence for the person saying why."""
        self.status, self.error, self.finished_at = self.Status.FAILED, error, timezone.now()
        with contextlib.suppress(DatabaseError):  # a full disk may refuse even this
            self.save(update_fields=["status", "error", "finished_at"])

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in ImportItem.Status.values}
        for row in self.items.values("status").annotate(n=models.Count("id")):
            counts[row["status"]] = row["n"]
        return counts

    @property
    def upload_dir(self) -> Path:
        return Path(settings.DATA_DIR) / "uploads" / str(self.id)


class ImportItem(models.Model):
    """The one result every file (or archive member, or Strava row) gets."""

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        DUPLICATE = "duplicate", "Duplicate"
        SKIPPED = "skipped", "Skipped"
        PARTLY_READ = "partly_read", "Partly read"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    status = models.CharField(max_length=12, choices=Status.choices)
    message = models.TextField(blank=True)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["position"]
        # One result per file, even when a killed import is retried.
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="runs_importitem_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"
