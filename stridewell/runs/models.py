"""Runs and the imports that bring them in."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

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
        """A run entered by hand (page or API); a waiting "I'm heading out" check-in joins it."""
        run = self.create(
            user=user,
            start=start,
            end=start + timedelta(seconds=elapsed_s),
            elapsed_s=elapsed_s,
            moving_s=elapsed_s,
            source=Source.MANUAL,
            **fields,
        )
        link_checkins([run])
        return run

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

    class Meta:
        ordering = ["-created_at"]

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

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"
