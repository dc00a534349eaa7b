"""A generated community for load and scale tests (``stridewell seed_community``).

People with a few months of runs and check-ins, buddies, groups of very different
sizes (a few large clubs, many small circles: membership follows Zipf's law),
weekly group runs, shared goals, stories, comments, cheers and a few blocks.
Everything is written with ``bulk_create`` in batches, so 100,000 people take
minutes on PostgreSQL, and the same code seeds a small SQLite world in a test.

The same ``seed`` gives the same community. Every person's email is
``<prefix><n>@example.org`` (n from 1), their handle ``<prefix><n>``, and they all
share one password, hashed once, so a load test can sign each of them in.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from stridewell.accounts.models import Profile
from stridewell.community.models import (
    Block,
    Buddyship,
    Cheer,
    Comment,
    Goal,
    Group,
    GroupRun,
    Membership,
    Metric,
    Role,
    Story,
)
from stridewell.runs.models import Run, Source, Visibility
from stridewell.wellbeing.models import CheckIn

__all__ = ["SeedPlan", "SeedResult", "seed_community"]

BATCH = 5000
TIMEZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]
# How people share runs and stories: mostly with people they know.
RUN_VISIBILITY = (
    [Visibility.PRIVATE] * 4
    + [Visibility.BUDDIES] * 3
    + [Visibility.GROUPS] * 2
    + [Visibility.PUBLIC]
)
STORY_VISIBILITY = [Visibility.BUDDIES, Visibility.GROUPS, Visibility.GROUPS, Visibility.PUBLIC]
SPORTS = ["running"] * 6 + ["walking"] * 3 + ["hiking"]
WORDS = [
    "morning",
    "loop",
    "river",
    "park",
    "hill",
    "easy",
    "long",
    "slow",
    "friends",
    "rain",
    "sun",
    "tired",
    "happy",
    "calm",
    "breath",
    "steady",
    "legs",
    "coffee",
    "bridge",
    "harbour",
    "trail",
    "mud",
    "light",
    "dark",
    "quiet",
    "today",
    "again",
    "better",
]


@dataclass(frozen=True)
class SeedPlan:
    users: int
    seed: int = 0
    prefix: str = "runner"
    password: str = "stride-load-2026"
    runs_per_user: int = 6
    checkins_per_user: int = 0
    days: int = 120
    buddies_per_user: float = 2.0
    groups_per_user: float = 1.5
    stories_per_user: float = 0.2
    comments_per_story: float = 2.0
    cheers_per_story: float = 3.0
    now: datetime = field(default_factory=timezone.now)


@dataclass
class SeedResult:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


Say = Callable[[str], None]


def _batches(rows: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: type[models.Model], rows: Iterator[Any], result: SeedResult) -> list[int]:
    """Insert in batches; the new primary keys in order (each object's ``pk`` is set too)."""
    ids: list[int] = []
    for batch in _batches(rows):
        if connection.vendor == "postgresql":
            made = _copy(model, batch)
        else:
            made = model.objects.bulk_create(batch, batch_size=BATCH)  # type: ignore[attr-defined]
        ids.extend(obj.pk for obj in made)
        result.add(model._meta.model_name or "rows", len(made))
    return ids


def _copy(model: type[models.Model], batch: list[Any]) -> list[Any]:
    """PostgreSQL's COPY: several times faster than INSERT for a million rows.

    Values go as the objects hold them (defaults were filled in when they were made),
    JSON through Django's own adaptation; the new keys are read back in insert order,
    which is safe in a database only this command writes to.
    """
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()

    def value(obj: Any, f: Any) -> Any:
        raw = getattr(obj, f.attname)
        if raw is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
            raw = now
        if isinstance(f, models.JSONField):
            return f.get_db_prep_save(raw, connection)
        return raw

    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(str(meta.pk.column))  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")
        before = cursor.fetchone()[0]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for obj in batch:
                copy.write_row([value(obj, f) for f in fields])
        cursor.execute(f"SELECT {pk} FROM {table} WHERE {pk} > %s ORDER BY {pk}", [before])
        new = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(batch, new, strict=True):
        obj.pk = key
    return batch


@contextmanager
def _own_timestamps(*fields: models.Field[Any, Any]) -> Iterator[None]:
    """Let bulk_create keep the past dates we give instead of stamping "now" on every row."""
    saved = [(f, getattr(f, "auto_now_add", False)) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value  # type: ignore[attr-defined]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


# --------------------------------------------------------------------------- #
# People
# --------------------------------------------------------------------------- #


def _people(plan: SeedPlan, result: SeedResult) -> list[int]:
    user_model = get_user_model()
    prefix = plan.prefix
    if user_model.objects.filter(username=f"{prefix}1@example.org").exists():
        raise ValueError(f"This database already has {prefix}1@example.org; use another --prefix.")
    hashed = make_password(plan.password)
    joined = plan.now - timedelta(days=plan.days)
    users = (
        user_model(
            username=f"{prefix}{n}@example.org",
            email=f"{prefix}{n}@example.org",
            password=hashed,
            date_joined=joined,
        )
        for n in range(1, plan.users + 1)
    )
    ids = _insert(user_model, users, result)
    rng = random.Random(plan.seed)
    profiles = (
        Profile(
            user_id=pk,
            display_name=f"Runner {n}",
            handle=f"{prefix}{n}",
            timezone=rng.choice(TIMEZONES),
            hide_numbers_from_others=rng.random() < 0.1,
        )
        for n, pk in enumerate(ids, start=1)
    )
    _insert(Profile, profiles, result)
    emails = (
        EmailAddress(user_id=pk, email=f"{prefix}{n}@example.org", primary=True, verified=True)
        for n, pk in enumerate(ids, start=1)
    )
    _insert(EmailAddress, emails, result)
    return ids


def _buddies(plan: SeedPlan, rng: random.Random, ids: list[int], result: SeedResult) -> None:
    if len(ids) < 2:
        return
    pairs: set[tuple[int, int]] = set()
    for _ in range(int(len(ids) * plan.buddies_per_user / 2)):
        a, b = rng.sample(ids, 2)
        if (b, a) not in pairs:
            pairs.add((a, b))
    at = plan.now - timedelta(days=plan.days // 2)
    rows = (
        Buddyship(
            requester_id=a,
            addressee_id=b,
            status=Buddyship.Status.ACCEPTED if rng.random() < 0.9 else Buddyship.Status.PENDING,
            accepted_at=at,
        )
        for a, b in sorted(pairs)
    )
    _insert(Buddyship, rows, result)
    blocks = {tuple(rng.sample(ids, 2)) for _ in range(len(ids) // 200)}
    _insert(Block, (Block(blocker_id=a, blocked_id=b) for a, b in sorted(blocks)), result)


# --------------------------------------------------------------------------- #
# Groups
# --------------------------------------------------------------------------- #


def _groups(
    plan: SeedPlan, rng: random.Random, ids: list[int], result: SeedResult
) -> dict[int, list[int]]:
    """Groups and memberships; returns each person's group ids."""
    count = max(1, len(ids) // 50)
    groups = (
        Group(
            name=f"{plan.prefix.title()} club {n}",
            slug=slugify(f"{plan.prefix}-club-{n}"),
            invite_code=f"{plan.prefix[:6]}{n}",
            description=_words(rng, 12),
            timezone=rng.choice(TIMEZONES),
            invite_only=n % 7 == 0,
        )
        for n in range(1, count + 1)
    )
    group_ids = _insert(Group, groups, result)
    # Zipf: the n-th group is chosen in proportion to 1/n, so sizes run from a few to thousands.
    weights = [1 / rank for rank in range(1, count + 1)]
    mine: dict[int, list[int]] = {}
    for user_id in ids:
        k = min(count, int(plan.groups_per_user + rng.random()) + rng.choice((-1, 0, 0, 1)))
        chosen = set(rng.choices(group_ids, weights, k=max(0, k)))
        mine[user_id] = sorted(chosen)
    organised: set[int] = set()
    rows = []
    for user_id, joined in mine.items():
        for group_id in joined:
            role = Role.MEMBER if group_id in organised else Role.ORGANISER
            organised.add(group_id)
            rows.append(Membership(group_id=group_id, user_id=user_id, role=role))
    _insert(Membership, iter(rows), result)
    _group_runs(plan, rng, group_ids, result)
    return mine


def _group_runs(
    plan: SeedPlan, rng: random.Random, group_ids: list[int], result: SeedResult
) -> None:
    today = plan.now.date()
    runs = (
        GroupRun(
            group_id=pk,
            title=f"{rng.choice(['Tuesday', 'Thursday', 'Saturday'])} run and talk",
            place=_words(rng, 3),
            first_date=today - timedelta(days=rng.randrange(7, 60)),
            local_time=f"{rng.choice([7, 9, 18])}:00",
            weekly=True,
            distance_m=5000,
        )
        for pk in group_ids
    )
    _insert(GroupRun, runs, result)
    goals = (
        Goal(
            group_id=pk,
            title="Together we move 500 km",
            metric=Metric.DISTANCE,
            target=500,
            starts_on=date(today.year, today.month, 1),
            ends_on=date(today.year, today.month, 1) + timedelta(days=60),
        )
        for pk in group_ids[::4]
    )
    _insert(Goal, goals, result)


# --------------------------------------------------------------------------- #
# Runs and check-ins
# --------------------------------------------------------------------------- #


def _run(plan: SeedPlan, rng: random.Random, user_id: int) -> Run:
    start = plan.now - timedelta(days=rng.uniform(0, plan.days))
    sport = rng.choice(SPORTS)
    elapsed = rng.uniform(900, 5400)
    speed = 2.8 if sport == "running" else 1.4
    return Run(
        user_id=user_id,
        start=start,
        end=start + timedelta(seconds=elapsed),
        sport=sport,
        name=_words(rng, 2).title() if rng.random() < 0.4 else "",
        visibility=rng.choice(RUN_VISIBILITY),
        share_feeling=rng.random() < 0.2,
        source=Source.MANUAL,
        distance_m=elapsed * speed * rng.uniform(0.8, 1.2),
        elapsed_s=elapsed,
        moving_s=elapsed * 0.95,
        run_type="easy" if sport == "running" else "walk",
    )


def _runs(plan: SeedPlan, rng: random.Random, ids: list[int], result: SeedResult) -> None:
    rows = (_run(plan, rng, pk) for pk in ids for _ in range(plan.runs_per_user))
    _insert(Run, rows, result)


def _checkins(plan: SeedPlan, rng: random.Random, ids: list[int], result: SeedResult) -> None:
    def one(user_id: int) -> CheckIn:
        return CheckIn(
            user_id=user_id,
            recorded_at=plan.now - timedelta(days=rng.uniform(0, plan.days)),
            feeling=rng.randint(-3, 5),
            arousal=rng.randint(1, 6),
            stress=rng.randint(0, 10) if rng.random() < 0.5 else None,
        )

    _insert(CheckIn, (one(pk) for pk in ids for _ in range(plan.checkins_per_user)), result)


# --------------------------------------------------------------------------- #
# Stories, comments and cheers
# --------------------------------------------------------------------------- #


def _stories(
    plan: SeedPlan,
    rng: random.Random,
    ids: list[int],
    mine: dict[int, list[int]],
    result: SeedResult,
) -> list[int]:
    authors = rng.sample(ids, min(len(ids), max(1, int(len(ids) * plan.stories_per_user))))
    stories = [
        Story(
            author_id=pk,
            title=_words(rng, 4).capitalize(),
            body="\n\n".join(_words(rng, 40) for _ in range(3)),
            anonymous=rng.random() < 0.1,
            tags=rng.sample(["parkrun", "anxiety", "comeback", "walking", "first-5k"], 2),
            visibility=rng.choice(STORY_VISIBILITY),
            created_at=plan.now - timedelta(days=rng.uniform(0, plan.days)),
        )
        for pk in authors
    ]
    with _own_timestamps(Story._meta.get_field("created_at")):  # type: ignore[arg-type]
        story_ids = _insert(Story, iter(stories), result)
    through = Story.groups.through
    picks = (
        through(story_id=story.pk, group_id=mine[story.author_id][0])
        for story in stories
        if story.visibility == Visibility.GROUPS and mine.get(story.author_id)
    )
    _insert(through, picks, result)
    return story_ids


def _reactions(
    plan: SeedPlan, rng: random.Random, ids: list[int], story_ids: list[int], result: SeedResult
) -> None:
    if not story_ids:
        return
    made = Comment._meta.get_field("created_at")
    comments = (
        Comment(
            author_id=rng.choice(ids),
            story_id=rng.choice(story_ids),
            body=_words(rng, 12),
            created_at=plan.now - timedelta(hours=rng.uniform(0, 24 * plan.days)),
        )
        for _ in range(int(len(story_ids) * plan.comments_per_story))
    )
    with _own_timestamps(made):  # type: ignore[arg-type]
        _insert(Comment, comments, result)
    cheers = {
        (rng.choice(ids), rng.choice(story_ids))
        for _ in range(int(len(story_ids) * plan.cheers_per_story))
    }
    _insert(Cheer, (Cheer(user_id=u, story_id=s) for u, s in sorted(cheers)), result)
    shared = list(
        Run.objects.filter(user_id__in=ids)
        .exclude(visibility=Visibility.PRIVATE)
        .values_list("pk", flat=True)[: len(story_ids) * 5]
    )
    run_cheers = (
        {(rng.choice(ids), rng.choice(shared)) for _ in range(len(shared))} if shared else set()
    )
    _insert(Cheer, (Cheer(user_id=u, run_id=r) for u, r in sorted(run_cheers)), result)


def seed_community(plan: SeedPlan, say: Say = lambda _: None) -> SeedResult:
    """Seed ``plan.users`` people and their community; each step in one transaction."""
    rng = random.Random(plan.seed)
    result = SeedResult()
    with transaction.atomic():
        ids = _people(plan, result)
    say(f"{len(ids)} people")
    with transaction.atomic():
        _buddies(plan, rng, ids, result)
        mine = _groups(plan, rng, ids, result)
    say(f"{result.counts.get('membership', 0)} memberships")
    with transaction.atomic():
        _runs(plan, rng, ids, result)
        _checkins(plan, rng, ids, result)
    say(f"{result.counts.get('run', 0)} runs, {result.counts.get('checkin', 0)} check-ins")
    with transaction.atomic():
        story_ids = _stories(plan, rng, ids, mine, result)
        _reactions(plan, rng, ids, story_ids, result)
    say(f"{len(story_ids)} stories, {result.counts.get('comment', 0)} comments")
    return result
