"""Strava's activities.csv: columns by name, repeated names, several date formats."""

from datetime import UTC, datetime

import pytest

from stridewell.runs.importers.base import ImportProblem
from stridewell.runs.importers.strava import parse_strava_date, read_activities_csv


@pytest.mark.parametrize(
    "text",
    [
        "6 Feb 2013, 12:11:14",
        "Feb 6, 2013, 12:11:14 PM",
        "2013-02-06 12:11:14",
        "06 February 2013, 12:11:14",
    ],
)
def test_dates_in_several_locale_formats(text):
    assert parse_strava_date(text) == datetime(2013, 2, 6, 12, 11, 14, tzinfo=UTC)


def test_us_date_in_the_morning_keeps_am():
    assert parse_strava_date("Feb 6, 2013, 9:05:00 AM") == datetime(2013, 2, 6, 9, 5, tzinfo=UTC)


def test_unreadable_date_is_none():
    assert parse_strava_date("yesterday") is None


def test_columns_matched_by_name_even_when_moved_and_repeated():
    # A newer export: columns in another order, a private note column, Distance twice.
    csv = (
        b"Activity Date,Activity ID,Activity Private Note,Distance,Activity Name,Activity Type,"
        b"Media,Distance,Filename,Activity Description,Perceived Exertion,Elapsed Time\n"
        b'"Feb 6, 2013, 12:11:14 PM",42,"Felt low before",4.84,Long run,Run,,4835.4,'
        b"activities/42.fit.gz,Windy.,7,2624\n"
    )
    (row,) = read_activities_csv(csv)
    assert row.external_id == "strava:42"
    assert row.start == datetime(2013, 2, 6, 12, 11, 14, tzinfo=UTC)
    assert row.distance_m == pytest.approx(4835.4)  # the second Distance, in metres
    assert row.notes == "Windy.\n\nFelt low before"
    assert row.sport == "running"
    assert row.perceived_exertion == 7
    assert row.filename == "activities/42.fit.gz"


def test_first_distance_in_km_is_used_when_there_is_no_second():
    csv = b'Activity ID,Activity Date,Distance\n1,"6 Feb 2013, 12:11:14",4.84\n'
    (row,) = read_activities_csv(csv)
    assert row.distance_m == pytest.approx(4840)


def test_a_csv_that_is_not_strava_is_refused_clearly():
    with pytest.raises(ImportProblem, match="Activity ID"):
        read_activities_csv(b"name,date\nx,y\n")
