"""Daylio CSV import: the sample export, odd rows, headers and mood maps."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest

from stridewell.wellbeing.daylio import (
    DEFAULT_MOOD_MAP,
    DaylioError,
    DaylioExport,
    DaylioRow,
    clean_note,
    missing_labels,
    parse_daylio,
    parse_mood_map,
    parse_time,
    score_for,
    split_activities,
)

SAMPLE = Path(__file__).parent / "data" / "daylio_export.csv"
HEADER = "full_date,date,weekday,time,mood,activities,note_title,note\n"


@pytest.fixture(scope="module")
def export() -> DaylioExport:
    return parse_daylio(SAMPLE.read_bytes())


def local(text: str) -> datetime:
    """Daylio times are naive local wall-clock times, on purpose."""
    return datetime.fromisoformat(text)


def row_at(export: DaylioExport, when: datetime) -> DaylioRow:
    return next(row for row in export.rows if row.local_datetime == when)


def test_sample_starts_with_a_bom() -> None:
    assert SAMPLE.read_bytes().startswith(b"\xef\xbb\xbf")


def test_sample_rows_in_file_order(export: DaylioExport) -> None:
    assert len(export.rows) == 40
    assert export.rows[0] == DaylioRow(local("2024-04-02 21:40"), "meh", ["walk"], "", "")
    assert export.rows[-1].local_datetime == local("2024-03-04 08:15")
    assert all(row.local_datetime.tzinfo is None for row in export.rows)


def test_mood_labels_distinct_in_first_seen_order(export: DaylioExport) -> None:
    assert export.mood_labels == ["meh", "bad", "super happy", "good", "rad", "awful"]


def test_note_with_comma_and_newline(export: DaylioExport) -> None:
    row = row_at(export, local("2024-03-06 21:40"))
    assert row.note_title == "Long run"
    assert row.note == (
        "Easy 14 km, legs heavy after km 9, but the last 2 km felt great.\nStretched after."
    )
    assert row.activities == ["running", "good sleep"]


def test_note_with_quotes_and_br(export: DaylioExport) -> None:
    row = row_at(export, local("2024-03-11 21:40"))
    assert row.note == "Told her \"I'm fine\", wasn't.\nTomorrow is another day."


def test_twelve_hour_time(export: DaylioExport) -> None:
    assert row_at(export, local("2024-03-09 21:40")).mood_label == "good"


def test_row_without_activities(export: DaylioExport) -> None:
    assert row_at(export, local("2024-03-07 21:05")).activities == []


def test_unicode_activity(export: DaylioExport) -> None:
    assert row_at(export, local("2024-04-01 21:40")).activities == ["☕ coffee"]


def test_export_without_note_title_column() -> None:
    data = (
        b"full_date,date,weekday,time,mood,activities,note\n"
        b'2024-03-05,March 5,Tuesday,07:10,Good,"run","felt fine"\n'
    )
    (row,) = parse_daylio(data).rows
    assert row == DaylioRow(local("2024-03-05 07:10"), "Good", ["run"], "", "felt fine")


def test_extra_columns_crlf_and_blank_lines_are_fine() -> None:
    data = (
        "\ufefffull_date,date,weekday,time,mood,activities,scales,note_title,note\r\n"
        '2024-03-05,March 5,Tuesday,9:05 PM,rad,"a|b |  c","","",""\r\n'
        "\r\n"
    ).encode()
    export = parse_daylio(data)
    assert export.rows == [DaylioRow(local("2024-03-05 21:05"), "rad", ["a", "b", "c"])]


def test_header_only_gives_no_rows() -> None:
    assert parse_daylio(HEADER.encode()) == DaylioExport(rows=[], mood_labels=[])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:40", time(21, 40)),
        ("09:05", time(9, 5)),
        ("21:40:07", time(21, 40, 7)),
        ("9:40 pm", time(21, 40)),
        ("9:40 PM", time(21, 40)),
        ("9:40pm", time(21, 40)),
        ("9:40\u202fp.m.", time(21, 40)),
        ("12:15 am", time(0, 15)),
        ("12:15 pm", time(12, 15)),
        ("7:05 am", time(7, 5)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(1, text) == expected


@pytest.mark.parametrize("text", ["", "noon", "25:00", "13:10 pm", "0:10 am", "9:61"])
def test_bad_time_names_the_line(text: str) -> None:
    with pytest.raises(DaylioError, match="Line 7 .* time"):
        parse_time(7, text)


def test_bad_date_names_the_line() -> None:
    data = (
        HEADER + '2024-03-05,,,21:40,good,"","",""\n05/03/2024,,,21:40,good,"","",""\n'
    ).encode()
    with pytest.raises(DaylioError, match="Line 3 .* “05/03/2024”, not YYYY-MM-DD"):
        parse_daylio(data)


def test_missing_mood_names_the_line() -> None:
    with pytest.raises(DaylioError, match="Line 2 of the Daylio export has no mood"):
        parse_daylio((HEADER + '2024-03-05,,,21:40,,"run","",""\n').encode())


def test_not_a_daylio_export() -> None:
    with pytest.raises(DaylioError) as info:
        parse_daylio(b"date,distance,time\n2024-03-05,5.0,25:00\n")
    assert str(info.value) == (
        "This CSV does not look like a Daylio export: it has no “mood” column."
    )


def test_missing_time_column() -> None:
    with pytest.raises(DaylioError, match="no “time” column"):
        parse_daylio(b"full_date,mood\n2024-03-05,good\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"  \n", "empty"), (b"\xff\xfe\x00m", "not UTF-8")],
)
def test_empty_or_binary_files(data: bytes, message: str) -> None:
    with pytest.raises(DaylioError, match=message):
        parse_daylio(data)


def test_daylio_error_is_value_error() -> None:
    assert issubclass(DaylioError, ValueError)


def test_split_activities_and_clean_note() -> None:
    assert split_activities(" running | friends |") == ["running", "friends"]
    assert split_activities("") == []
    assert clean_note("one<br>two<BR/>three<br />four\r\nfive ") == "one\ntwo\nthree\nfour\nfive"


def test_default_mood_map_is_feeling_scale() -> None:
    assert DEFAULT_MOOD_MAP == {"rad": 5, "good": 3, "meh": 0, "bad": -3, "awful": -5}


def test_parse_mood_map() -> None:
    assert parse_mood_map("rad=5,good=3,super happy=4") == {"rad": 5, "good": 3, "super happy": 4}
    assert parse_mood_map(" meh = 0 , a=b=-2, low=\u22124,") == {"meh": 0, "a=b": -2, "low": -4}
    assert parse_mood_map("") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rad=6", "The mood “rad” has the score “6”; scores must be whole numbers from −5 to 5."),
        ("super happy=-9", "“super happy” has the score “-9”"),
        ("good=2.5", "“good” has the score “2.5”"),
        ("good=", "“good” has the score “”"),
        ("good", "“good” in the mood map should look like label=score"),
        ("=3", "“=3” in the mood map should look like label=score"),
        ("rad=5,Rad=4", "The mood “Rad” is given twice"),
    ],
)
def test_bad_mood_map(text: str, message: str) -> None:
    with pytest.raises(DaylioError, match=message):
        parse_mood_map(text)


def test_missing_labels(export: DaylioExport) -> None:
    assert missing_labels(export, DEFAULT_MOOD_MAP) == ["super happy"]
    mapping = {**DEFAULT_MOOD_MAP, **parse_mood_map("Super  Happy=4")}
    assert missing_labels(export, mapping) == []
    assert missing_labels(export, {}) == export.mood_labels


def test_score_for_ignores_case_and_spacing() -> None:
    assert score_for("Good", DEFAULT_MOOD_MAP) == 3
    assert score_for("super  happy", {"Super Happy": 4}) == 4
    assert score_for("unknown", DEFAULT_MOOD_MAP) is None
