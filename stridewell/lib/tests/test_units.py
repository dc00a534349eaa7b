import pytest

from stridewell.lib import units


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10", 600), ("45:30", 2730), ("1:02:03", 3723), (" 7 ", 420), ("abc", None), ("", None)],
)
def test_parse_duration(text, seconds):
    assert units.parse_duration(text) == seconds


def test_duration_formats_hours_only_when_needed():
    assert units.duration(59) == "0:59"
    assert units.duration(3723) == "1:02:03"
    assert units.duration(None) == "—"


def test_distance_and_pace_in_miles():
    assert units.distance(1609.344, "mi") == "1.00 mi"
    assert units.distance(5000, "km") == "5.00 km"
    # 5:00 per km is 8:03 per mile
    assert units.pace(300, "mi") == "8:03 /mi"
    assert units.pace(None) == "—"
