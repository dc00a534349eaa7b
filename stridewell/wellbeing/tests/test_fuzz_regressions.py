"""Daylio exports that broke the reader while fuzzing it (make fuzz, proof/fuzz_targets.py).

A Daylio CSV must be read, or refused with a sentence naming the line; csv's own
errors must never reach the person as a server error.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stridewell.wellbeing.daylio import DaylioError, parse_daylio
from stridewell.wellbeing.models import CheckIn

HEADER = b"full_date,date,weekday,time,mood,activities,note_title,note\n"
GOOD_LINE = b"2024-04-02,April 2,Tuesday,21:40,meh,walk,,short\n"
# csv refuses a field longer than 128 KB: a long journal note in one entry.
LONG_NOTE_LINE = b'2024-04-01,April 1,Monday,21:40,good,walk,,"' + b"x" * 200_000 + b'"\n'


def test_a_note_past_the_csv_field_limit_is_a_clear_error_naming_the_line():
    with pytest.raises(DaylioError, match="Line 3"):
        parse_daylio(HEADER + GOOD_LINE + LONG_NOTE_LINE)


def test_the_upload_page_refuses_it_kindly_and_imports_nothing(alice_client, alice):
    upload = SimpleUploadedFile("daylio.csv", HEADER + GOOD_LINE + LONG_NOTE_LINE)
    response = alice_client.post("/checkins/import/", {"file": upload})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not CheckIn.objects.filter(user=alice).exists()


def test_nul_characters_never_reach_a_check_in():
    # PostgreSQL text cannot hold NUL: a Daylio file with one must still import there.
    data = (
        b"full_date,date,weekday,time,mood,activities,note_title,note\n"
        b'2024-04-02,April 2,Tuesday,21:40,m\x00eh,"wa\x00lk","ti\x00tle","no\x00te"\n'
    )
    (row,) = parse_daylio(data).rows
    assert (row.mood_label, row.activities, row.note_title, row.note) == (
        "meh",
        ["walk"],
        "title",
        "note",
    )
