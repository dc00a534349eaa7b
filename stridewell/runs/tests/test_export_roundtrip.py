"""Export, then import into an empty account: the same runs come back."""

import io

import pytest

from conftest import SHARED_DATA, make_user
from stridewell.accounts.export import write_export
from stridewell.runs.imports import import_files
from stridewell.runs.models import Run

KEYS = (
    "start",
    "sport",
    "name",
    "notes",
    "visibility",
    "distance_m",
    "elapsed_s",
    "perceived_exertion",
)


def snapshot(user):
    return sorted(
        (
            tuple(round(v, 3) if isinstance(v, float) else v for v in row)
            for row in Run.objects.filter(user=user).values_list(*KEYS)
        ),
        key=str,
    )


@pytest.mark.django_db
def test_export_reimports_losslessly(tmp_path):
    alice = make_user("alice@example.org")
    files = [
        (p, p.name) for p in sorted((SHARED_DATA / "activities").rglob("*.*")) if p.suffix != ".csv"
    ]
    import_files(alice, files)
    import_files(alice, [(SHARED_DATA / "strava-export-sample.zip", "strava.zip")])
    run = Run.objects.filter(user=alice, source="file").first()
    run.name, run.notes, run.visibility, run.sport = (
        "Renamed, with a comma",
        'Line one\n"quoted"',
        "public",
        "walking",
    )
    run.save()
    Run.objects.create(
        user=alice,
        start="2025-02-02T08:00Z",
        elapsed_s=600,
        sport="walking",
        name="Ten minutes",
        visibility="buddies",
    )
    out = tmp_path / "export.zip"
    write_export(alice, out)

    fresh = make_user("fresh@example.org")
    job = import_files(fresh, [(out, "export.zip")])
    assert job.counts()["failed"] == 0, [i.message for i in job.items.filter(status="failed")]
    assert snapshot(fresh) == snapshot(alice)


@pytest.mark.django_db
def test_export_from_settings_page_is_a_download(alice_client, alice):
    Run.objects.create(user=alice, start="2025-02-02T08:00Z", elapsed_s=600, name="x")
    response = alice_client.post("/settings/export/")
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert {"runs.csv", "profile.json", "README.txt"} <= set(names)


def test_export_contains_nobody_elses_runs(tmp_path, alice, bob):
    Run.objects.create(user=bob, start="2025-02-02T08:00Z", elapsed_s=600, name="Bob's secret run")
    out = tmp_path / "a.zip"
    write_export(alice, out)
    import zipfile

    assert "Bob's secret run" not in zipfile.ZipFile(out).read("runs.csv").decode()


@pytest.mark.django_db
def test_sharing_comes_back_and_never_widens(tmp_path):
    from stridewell.community.models import Group, Membership, RunAudience

    alice = make_user("alice@example.org")
    club = Group.objects.create(name="Club", slug="club")
    crew = Group.objects.create(name="Crew", slug="crew")
    for group in (club, crew):
        Membership.objects.create(group=group, user=alice)
    picked = Run.objects.create(user=alice, start="2025-03-01T08:00Z", elapsed_s=900,
                                visibility="groups", share_feeling=True, name="Picked")  # fmt: skip
    RunAudience.objects.create(run=picked, group=crew)
    Run.objects.create(user=alice, start="2025-03-02T08:00Z", elapsed_s=900, visibility="groups",
                       name="All my groups")  # fmt: skip
    out = tmp_path / "export.zip"
    write_export(alice, out)

    # Back into an account in the same groups: the same groups, the same tick.
    fresh = make_user("fresh@example.org")
    for group in (club, crew):
        Membership.objects.create(group=group, user=fresh)
    import_files(fresh, [(out, "export.zip")])
    again = Run.objects.get(user=fresh, name="Picked")
    assert again.share_feeling and again.visibility == "groups"
    assert list(RunAudience.objects.filter(run=again).values_list("group__slug", flat=True)) == [
        "crew"
    ]
    assert not RunAudience.objects.filter(run__user=fresh, run__name="All my groups").exists()

    # Into an account outside those groups: private, never shown to more people.
    stranger = make_user("stranger@example.org")
    import_files(stranger, [(out, "export.zip")])
    assert Run.objects.get(user=stranger, name="Picked").visibility == "private"
    assert Run.objects.get(user=stranger, name="All my groups").visibility == "groups"
