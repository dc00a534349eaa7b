"""Crisis lines: shipped data, operator overrides and timezone → country."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stridewell.wellbeing import crisis
from stridewell.wellbeing.crisis import (
    CrisisDataError,
    CrisisInfo,
    country_from_timezone,
    lines_for,
    parse_zone_tab,
)

REQUIRED = {"GB", "US", "IE", "CA", "AU", "NZ"}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "lines.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_required_countries_are_shipped() -> None:
    assert set(crisis.shipped_countries()) >= REQUIRED


@pytest.mark.parametrize("code", crisis.shipped_countries())
def test_every_shipped_country_has_emergency_and_a_line_to_call_or_text(code: str) -> None:
    info = lines_for(code)
    assert info.country == code
    assert info.emergency and info.emergency.strip()
    assert any(line.phone or line.text for line in info.lines)
    assert all(line.name and line.hours for line in info.lines)


@pytest.mark.parametrize(
    ("code", "emergency", "expected"),
    [
        ("GB", "999", {("Samaritans", "116 123"), ("Shout", "Text SHOUT to 85258")}),
        (
            "US",
            "911",
            {
                ("988 Suicide & Crisis Lifeline", "988"),
                ("988 Suicide & Crisis Lifeline", "Text 988"),
            },
        ),
        ("IE", "112 or 999", {("Samaritans", "116 123"), ("Text About It", "Text HELLO to 50808")}),
        (
            "CA",
            "911",
            {
                ("9-8-8 Suicide Crisis Helpline", "988"),
                ("9-8-8 Suicide Crisis Helpline", "Text 988"),
            },
        ),
        ("AU", "000", {("Lifeline", "13 11 14"), ("Lifeline", "Text 0477 13 11 14")}),
        (
            "NZ",
            "111",
            {
                ("Need to talk? 1737", "1737"),
                ("Need to talk? 1737", "Text 1737"),
                ("Lifeline Aotearoa", "0800 543 354"),
            },
        ),
    ],
)
def test_known_numbers(code: str, emergency: str, expected: set[tuple[str, str]]) -> None:
    info = lines_for(code)
    contacts = {(line.name, line.phone) for line in info.lines}
    contacts |= {(line.name, line.text) for line in info.lines}
    assert info.emergency == emergency
    assert expected <= contacts


def test_samaritans_and_988_are_24_7() -> None:
    assert "24/7" in lines_for("GB").lines[0].hours
    assert lines_for("US").lines[0].hours == "24/7"


@pytest.mark.parametrize("country", ["gb", " Gb ", "GB", "uk"])
def test_country_is_case_insensitive(country: str) -> None:
    assert lines_for(country).country == "GB"


@pytest.mark.parametrize("country", [None, "", "ZZ", "international", "Narnia"])
def test_unknown_country_gets_directories_and_a_sentence(country: str | None) -> None:
    info = lines_for(country)
    assert info == CrisisInfo(None, None, [], info.international, crisis.UNKNOWN_COUNTRY_MESSAGE)
    urls = {line.url for line in info.international}
    assert "https://findahelpline.com/" in urls
    assert any(url and "iasp.info" in url for url in urls)
    assert "emergency number" in info.message


def test_known_country_also_lists_directories_without_the_sentence() -> None:
    info = lines_for("AU")
    assert info.international and info.message == ""


def test_operator_file_adds_and_overrides_countries(tmp_path: Path) -> None:
    extra = write(
        tmp_path,
        {
            "_about": "ours",
            "de": {
                "emergency": "112",
                "lines": [{"name": "TelefonSeelsorge", "phone": "0800 111 0 111", "hours": "24/7"}],
            },
            "GB": {"emergency": "999", "lines": [{"name": "Local line", "phone": "0800 000 000"}]},
        },
    )
    assert lines_for("DE", extra).lines[0].name == "TelefonSeelsorge"
    assert [line.name for line in lines_for("gb", extra).lines] == ["Local line"]
    assert lines_for("US", extra).emergency == "911"
    assert lines_for("GB").lines[0].name == "Samaritans"  # shipped data untouched


def test_operator_file_can_replace_international(tmp_path: Path) -> None:
    extra = write(
        tmp_path, {"international": {"lines": [{"name": "Ours", "url": "https://example.org"}]}}
    )
    assert [line.name for line in lines_for(None, extra).international] == ["Ours"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"Germany": {"emergency": "112", "lines": []}}, "not a two-letter ISO country code"),
        ({"DE": {"lines": []}}, "DE has no “emergency” number"),
        ({"DE": {"emergency": "112"}}, "DE must be an object with a “lines” list"),
        ({"DE": {"emergency": "112", "lines": [{"phone": "1"}]}}, "DE line 1 needs a “name”"),
        ({"DE": {"emergency": "112", "lines": [{"name": "X"}]}}, r"needs a phone, text or url"),
        ({"DE": {"emergency": "112", "lines": [{"name": "X", "phone": 112}]}}, "must be strings"),
    ],
)
def test_bad_operator_file_gives_clear_error(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(CrisisDataError, match=message):
        lines_for("DE", write(tmp_path, data))


def test_unreadable_operator_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CrisisDataError, match="Cannot read crisis lines file"):
        lines_for("GB", broken)
    with pytest.raises(CrisisDataError, match="Cannot read"):
        lines_for("GB", tmp_path / "missing.json")


def test_env_var_is_documented() -> None:
    assert crisis.ENV_VAR == "STRIDEWELL_CRISIS_LINES_FILE"
    assert crisis.ENV_VAR in (crisis.__doc__ or "")


@pytest.mark.parametrize(
    ("tz", "country"),
    [
        ("Europe/London", "GB"),
        ("America/New_York", "US"),
        ("Australia/Sydney", "AU"),
        ("Pacific/Auckland", "NZ"),
        ("Europe/Dublin", "IE"),
        ("America/Toronto", "CA"),
        ("Europe/Jersey", "JE"),
        (" Europe/London ", "GB"),
        ("US/Eastern", "US"),
        ("Canada/Eastern", "CA"),
        ("Asia/Calcutta", "IN"),
        ("UTC", None),
        ("Etc/UTC", None),
        ("GMT", None),
        ("", None),
        ("Not/AZone", None),
        ("../../etc/passwd", None),
    ],
)
def test_country_from_timezone(tz: str, country: str | None) -> None:
    assert country_from_timezone(tz) == country


def test_parse_zone_tab_takes_first_country_and_skips_comments() -> None:
    text = "# comment\nGB\t+513030-0000731\tEurope/London\nCH,DE,LI\t+4723+00832\tEurope/Zurich\tSwiss time\n\n"
    assert parse_zone_tab(text) == {"Europe/London": "GB", "Europe/Zurich": "CH"}


def test_timezone_falls_back_to_system_zoneinfo(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (crisis.SYSTEM_ZONEINFO / "zone.tab").is_file():
        pytest.skip("no system zoneinfo here")

    def no_tzdata(name: str) -> None:
        raise ModuleNotFoundError(name)

    crisis._zoneinfo_root.cache_clear()
    monkeypatch.setattr(crisis.importlib.resources, "files", no_tzdata)
    try:
        assert crisis._zoneinfo_root() == crisis.SYSTEM_ZONEINFO
        assert country_from_timezone("Europe/Dublin") == "IE"
    finally:
        crisis._zoneinfo_root.cache_clear()
