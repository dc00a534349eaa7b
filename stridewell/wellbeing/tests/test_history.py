"""Check-in history in and out: Daylio, our own CSVs, the page, the CLI and the export zip."""

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import make_user
from stridewell.accounts.export import write_export
from stridewell.accounts.models import Profile
from stridewell.runs.models import Run
from stridewell.wellbeing import history, questionnaires
from stridewell.wellbeing.checkins import CheckInData, record
from stridewell.wellbeing.daylio import DEFAULT_MOOD_MAP, DaylioError, parse_daylio
from stridewell.wellbeing.models import CheckIn, Response

DAYLIO = Path(__file__).parent / "data" / "daylio_export.csv"
LONDON = ZoneInfo("Europe/London")
MAPPING = {**DEFAULT_MOOD_MAP, "super happy": 4}


@pytest.fixture
def londoner(alice):
    profile = Profile.objects.for_user(alice)
    profile.timezone = "Europe/London"
    profile.save()
    return alice


def at(user, year, month, day, hour, minute):
    when = datetime(year, month, day, hour, minute, tzinfo=LONDON)
    return CheckIn.objects.get(user=user, recorded_at=when)


def snapshot(user):
    return sorted(
        (
            c.recorded_at,
            c.kind,
            c.feeling,
            c.arousal,
            c.sleep_hours,
            sorted(t.name for t in c.tags.all()),
            c.note,
            c.run.start if c.run else None,
        )
        for c in CheckIn.objects.filter(user=user)
    )


def responses(user):
    return sorted(
        Response.objects.filter(user=user).values_list(
            "recorded_at", "instrument", "answers", "score", "band"
        )
    )


# --- Daylio --------------------------------------------------------------------------------


def test_daylio_sample_becomes_check_ins_at_local_times(londoner):
    summary = history.import_daylio(londoner, DAYLIO.read_bytes(), MAPPING, LONDON)
    assert (summary.imported, summary.duplicate, summary.failed) == (40, 0, 0)
    # Before and after the clocks went forward on 31 March 2024.
    before = at(londoner, 2024, 3, 30, 21, 40)
    assert before.recorded_at == datetime(2024, 3, 30, 21, 40, tzinfo=UTC)
    bst = at(londoner, 2024, 3, 31, 8, 15)
    assert bst.recorded_at == datetime(2024, 3, 31, 7, 15, tzinfo=UTC)
    assert (bst.feeling, sorted(t.name for t in bst.tags.all())) == (3, ["rain", "work"])
    happy = at(londoner, 2024, 3, 31, 21, 5)
    assert happy.feeling == 4
    assert sorted(t.name for t in happy.tags.all()) == ["cooking", "good sleep", "gym"]
    assert at(londoner, 2024, 4, 1, 21, 40).tags.get().name == "☕ coffee"


def test_daylio_notes_and_titles_are_kept_privately(londoner):
    history.import_daylio(londoner, DAYLIO.read_bytes(), MAPPING, LONDON)
    assert at(londoner, 2024, 3, 11, 21, 40).note == (
        "Told her \"I'm fine\", wasn't.\nTomorrow is another day."
    )
    long_run = at(londoner, 2024, 3, 6, 21, 40).note
    assert long_run.startswith("Long run\n\nEasy 14 km") and long_run.endswith("Stretched after.")
    assert at(londoner, 2024, 3, 15, 21, 40).note == "Rest day"
    assert "Rest day" not in at(londoner, 2024, 3, 15, 21, 40).note_ciphertext


def test_unmapped_daylio_mood_is_named_and_nothing_is_imported(londoner):
    with pytest.raises(DaylioError, match="super happy"):
        history.import_daylio(londoner, DAYLIO.read_bytes(), DEFAULT_MOOD_MAP, LONDON)
    assert not CheckIn.objects.exists()


def test_importing_daylio_twice_adds_nothing(londoner):
    history.import_daylio(londoner, DAYLIO.read_bytes(), MAPPING, LONDON)
    again = history.import_daylio(londoner, DAYLIO.read_bytes(), MAPPING, LONDON)
    assert (again.imported, again.duplicate) == (0, 40)
    assert CheckIn.objects.count() == 40


def test_merged_mood_map_overrides_defaults_ignoring_case():
    mapping = history.merged_mood_map("Rad=4, super happy=5")
    assert mapping["Rad"] == 4 and "rad" not in mapping and mapping["awful"] == -5


# --- Our own CSVs ---------------------------------------------------------------------------


def test_check_in_csv_round_trip_relinks_runs(londoner, bob):
    start = datetime(2024, 6, 1, 7, 0, tzinfo=UTC)
    run = Run.objects.record_manual(londoner, start, 1800)
    record(
        londoner,
        CheckInData(
            feeling=-1, recorded_at=start - timedelta(minutes=5), kind="before_run",
            arousal=2, stress=7, sleep_hours=6.5, sleep_quality=2, tags=["work", "sleep"],
            note='Heavy head, "tired"\nsecond line', run_id=run.pk,
        ),
    )  # fmt: skip
    record(londoner, CheckInData(feeling=5, recorded_at=start + timedelta(hours=3)))
    Run.objects.record_manual(bob, start + timedelta(seconds=30), 1800)
    text = history.write_checkins_csv(londoner)
    assert text.splitlines()[0] == ",".join(history.CHECKIN_COLUMNS)
    assert "+01:00" in text  # times in the person's own zone, with the offset
    summary = history.import_checkins_csv(bob, text.encode())
    assert (summary.imported, summary.failed) == (2, 0)
    mine, theirs = snapshot(londoner), snapshot(bob)
    assert [row[:7] for row in theirs] == [row[:7] for row in mine]
    assert theirs[0][7] == start + timedelta(seconds=30)  # the run within a minute
    assert history.import_checkins_csv(bob, text.encode()).duplicate == 2


def test_a_bad_line_keeps_the_whole_file_out_and_is_named(alice):
    text = (
        "recorded_at,kind,feeling,tags,note\n"
        "2024-05-01T08:00:00+00:00,daily,3,work,fine\n"
        "2024-05-02T08:00:00+00:00,daily,9,,\n"
        "yesterday,daily,1,,\n"
    )
    summary = history.import_checkins_csv(alice, text.encode())
    assert (summary.imported, summary.failed) == (0, 2)
    assert summary.messages[0].startswith("Line 3: feeling")
    assert summary.messages[1].startswith("Line 4: the time “yesterday”")
    assert not CheckIn.objects.exists()


def test_responses_csv_round_trip_is_scored_again(londoner, bob):
    when = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    questionnaires.answer(londoner, "phq8", [1, 2, 1, 0, 3, 1, 0, 2], recorded_at=when)
    questionnaires.answer(londoner, "who5", [3, 3, 2, 4, 1], recorded_at=when)
    text = history.write_responses_csv(londoner)
    doctored = text.replace(",10,", ",0,")  # the stored score is not trusted
    assert history.import_responses_csv(bob, doctored.encode()).imported == 2
    assert responses(bob) == responses(londoner)
    assert history.import_responses_csv(bob, text.encode()).duplicate == 2


# --- The page --------------------------------------------------------------------------------


def test_daylio_upload_asks_for_the_moods_then_imports(alice_client, londoner, settings):
    page = alice_client.get("/checkins/import/")
    assert page.status_code == 200
    upload = SimpleUploadedFile("daylio.csv", DAYLIO.read_bytes(), content_type="text/csv")
    response = alice_client.post("/checkins/import/", {"file": upload})
    assert response["Location"] == "/checkins/import/moods/"
    assert len(list((Path(settings.DATA_DIR) / "uploads").iterdir())) == 1

    page = alice_client.get("/checkins/import/moods/").content.decode()
    assert page.count("<select") == 6 and page.count("please choose") == 1
    assert "super happy" in page and '<option value="5" selected>' in page
    assert not CheckIn.objects.exists()

    labels = parse_daylio(DAYLIO.read_bytes()).mood_labels
    chosen = {f"mood{i}": MAPPING[label] for i, label in enumerate(labels)}
    response = alice_client.post("/checkins/import/moods/", chosen)
    assert response["Location"] == "/checkins/import/done/"
    done = alice_client.get(response["Location"]).content.decode()
    assert "<strong>40</strong> entries added" in done
    assert CheckIn.objects.filter(user=londoner).count() == 40
    assert at(londoner, 2024, 3, 31, 21, 5).feeling == 4
    assert not list((Path(settings.DATA_DIR) / "uploads").iterdir())


def test_a_mood_without_a_score_is_asked_again(alice_client, alice):
    upload = SimpleUploadedFile("daylio.csv", DAYLIO.read_bytes())
    alice_client.post("/checkins/import/", {"file": upload})
    page = alice_client.post("/checkins/import/moods/", {"mood0": "9"}).content.decode()
    assert "every mood" in page and not CheckIn.objects.exists()


def test_our_check_in_csv_imports_in_one_step(alice_client, alice):
    text = "recorded_at,kind,feeling,tags,note\n2024-05-01T08:00:00+00:00,daily,3,work,fine\n"
    upload = SimpleUploadedFile("checkins.csv", text.encode())
    response = alice_client.post("/checkins/import/", {"file": upload}, follow=True)
    assert "<strong>1</strong> entry added" in response.content.decode()
    assert CheckIn.objects.get(user=alice).note == "fine"


def test_an_unknown_file_is_refused_kindly(alice_client, alice):
    upload = SimpleUploadedFile("runs.gpx", b"<gpx></gpx>")
    page = alice_client.post("/checkins/import/", {"file": upload}).content.decode()
    assert "could not recognise" in page


def test_import_pages_need_a_login(client, db):
    assert client.get("/checkins/import/")["Location"].startswith("/accounts/login/")


# --- The command ----------------------------------------------------------------------------


def test_cli_names_unmapped_moods_and_the_flag(londoner):
    with pytest.raises(CommandError) as caught:
        call_command("import", "--user", londoner.email, str(DAYLIO), stdout=io.StringIO())
    assert "super happy" in str(caught.value) and "--daylio-map" in str(caught.value)
    assert not CheckIn.objects.exists()


def test_cli_imports_daylio_with_a_mood_map(londoner):
    out = io.StringIO()
    flag = "rad=5,good=3,meh=0,bad=-3,awful=-5,super happy=4"
    call_command("import", "--user", londoner.email, "--daylio-map", flag, str(DAYLIO), stdout=out)
    assert "40 imported, 0 duplicate, 0 failed." in out.getvalue()
    assert at(londoner, 2024, 3, 31, 8, 15).recorded_at.hour == 7
    call_command("import", "--user", londoner.email, "--daylio-map", flag, str(DAYLIO), stdout=out)
    assert CheckIn.objects.count() == 40


def test_export_zip_brings_check_ins_and_answers_back_through_the_cli(londoner, tmp_path):
    start = datetime(2024, 6, 1, 7, 0, tzinfo=UTC)
    run = Run.objects.record_manual(londoner, start, 1800, name="Morning")
    history.import_daylio(londoner, DAYLIO.read_bytes(), MAPPING, LONDON)
    record(
        londoner,
        CheckInData(feeling=2, recorded_at=start, kind="after_run", tags=["x"], run_id=run.pk),
    )
    questionnaires.answer(londoner, "gad7", [0, 1, 2, 3, 0, 1, 2])
    out = tmp_path / "export.zip"
    write_export(londoner, out)
    assert {"checkins.csv", "responses.csv"} <= set(zipfile.ZipFile(out).namelist())

    fresh = make_user("fresh@example.org")
    printed = io.StringIO()
    call_command("import", "--user", fresh.email, str(out), stdout=printed)
    assert (
        "(check-ins, questionnaires): 42 imported" in printed.getvalue()
        and "0 failed" in printed.getvalue()
    )
    assert snapshot(fresh) == snapshot(londoner)
    assert responses(fresh) == responses(londoner)
    assert CheckIn.objects.get(user=fresh, run__isnull=False).run.name == "Morning"


def test_the_export_zip_uploaded_on_the_import_page_brings_check_ins_back(alice, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from conftest import make_user
    from stridewell.accounts.export import write_export

    CheckIn.objects.create(user=alice, recorded_at="2026-11-20T08:00Z", feeling=-3)
    out = tmp_path / "export.zip"
    write_export(alice, out)
    fresh = make_user("fresh@example.org")
    client = Client()
    client.force_login(fresh)
    response = client.post(
        "/import/", {"files": [SimpleUploadedFile("export.zip", out.read_bytes())]}
    )
    page = client.get(response["Location"]).content.decode()
    assert "check-ins, questionnaires" in page
    assert CheckIn.objects.get(user=fresh).feeling == -3
