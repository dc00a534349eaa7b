"""``stridewell seed_community``: a generated community people can sign in to, the same
for the same seed, with groups of very different sizes and history spread over months."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client

from stridewell.community.models import Buddyship, Comment, Group, Membership, Role, Story
from stridewell.community.seed import SeedPlan, seed_community
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def seeded(prefix="runner", seed=3, users=150):
    plan = SeedPlan(users=users, seed=seed, prefix=prefix, checkins_per_user=2, now=NOW)
    return seed_community(plan)


def test_everyone_and_everything_is_there(db):
    result = seeded()
    assert result.counts["user"] == result.counts["profile"] == 150
    assert Run.objects.count() == 150 * 6 and CheckIn.objects.count() == 300
    assert Group.objects.count() == 3
    assert Story.objects.count() == 30 and Comment.objects.count() == 60
    assert Buddyship.objects.filter(status=Buddyship.Status.ACCEPTED).count() > 100
    # Each group has exactly one organiser, and nobody joined a group twice.
    organisers = Membership.objects.filter(role=Role.ORGANISER).values("group_id")
    assert organisers.count() == organisers.distinct().count() == 3
    # Every kind of visibility is there for the visibility rule to work through.
    assert set(Run.objects.values_list("visibility", flat=True)) == {
        "private", "buddies", "groups", "public",
    }  # fmt: skip


def test_history_is_spread_over_months_not_stamped_now(db):
    seeded()
    days = {at.date() for at in Story.objects.values_list("created_at", flat=True)}
    assert len(days) > 10
    assert all(at <= NOW for at in Story.objects.values_list("created_at", flat=True))
    assert len({at.date() for at in Run.objects.values_list("start", flat=True)}) > 60


def test_groups_are_of_very_different_sizes(db):
    seeded(users=1000)
    sizes = sorted(Group.objects.annotate(n=Count("memberships")).values_list("n", flat=True))
    assert sizes[-1] > 10 * sizes[0] and sizes[-1] >= 200


def test_the_same_seed_gives_the_same_community(db):
    def shape(prefix):
        runs = Run.objects.filter(user__username__startswith=prefix).order_by("pk")
        return [(r.visibility, round(r.elapsed_s), r.sport) for r in runs]

    seeded("first", seed=9, users=40)
    seeded("second", seed=9, users=40)
    assert shape("first") == shape("second")


def test_people_sign_in_through_the_form_with_the_shared_password(db, settings):
    seeded(users=5)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "runner3@example.org", "password": SeedPlan.password}
    )
    assert response.status_code == 302
    assert client.get("/feed/").status_code == 200


def test_the_command_seeds_and_refuses_to_seed_the_same_people_twice(db):
    out = StringIO()
    call_command("seed_community", "--users", "20", "--checkins", "1", stdout=out)
    assert "20 user" in out.getvalue()
    assert get_user_model().objects.filter(username="runner20@example.org").exists()
    with pytest.raises(CommandError, match="already has runner1"):
        call_command("seed_community", "--users", "20", stdout=StringIO())
