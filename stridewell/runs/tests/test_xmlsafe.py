"""Untrusted XML: entity attacks refused, quirks accepted, junk explained, fuzzed files never crash."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from stridewell.runs.importers import gpx, tcx, xmlsafe
from stridewell.runs.importers.base import ImportProblem, NotAnActivity, ParsedActivity
from stridewell.runs.tests.data import SHARED_DATA

PARSERS: list[Callable[[bytes], list[ParsedActivity]]] = [gpx.parse, tcx.parse]
ACTIVITIES = SHARED_DATA / "activities"
REAL_FILES: list[Path] = sorted(
    [
        *ACTIVITIES.glob("gpx/*.gpx"),
        *ACTIVITIES.glob("tcx/*.tcx"),
        ACTIVITIES / "quirks/runv__activity.tcx",
    ]
)

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE gpx [\n <!ENTITY lol0 "lol">\n'
    + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    + b']>\n<gpx creator="&lol9;"><trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk></gpx>'
)

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<gpx creator="x"><trk><name>&xxe;</name><trkseg><trkpt lat="1" lon="2"/></trkseg></trk></gpx>"""

TCX_EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE TrainingCenterDatabase [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase><Activities><Activity Sport="Running"><Notes>&xxe;</Notes>
</Activity></Activities></TrainingCenterDatabase>"""

MINIMAL_GPX = b'<gpx creator="c"><trk><trkseg><trkpt lat="1" lon="2"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>'


# --- Entity attacks ----------------------------------------------------------------------


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, TCX_EXTERNAL_ENTITY])
def test_dtd_refused_before_anything_is_expanded(
    parse: Callable[[bytes], list[ParsedActivity]], data: bytes
) -> None:
    started = time.perf_counter()
    with pytest.raises(ImportProblem) as caught:
        parse(data)
    assert str(caught.value) == xmlsafe.DTD_REFUSED
    assert "root:" not in str(caught.value)
    assert time.perf_counter() - started < 1


def test_dtd_after_a_comment_that_looks_like_an_element() -> None:
    data = b'<?xml version="1.0"?><!-- see <a> --><!DOCTYPE gpx [<!ENTITY a "b">]><gpx>&a;</gpx>'
    with pytest.raises(ImportProblem, match="declares a DTD"):
        xmlsafe.parse_xml(data, "GPX")


def test_dtd_hidden_by_an_encoding_is_refused_after_parsing() -> None:
    """UTF-7 spells '<' as '+ADw-', so the byte scan cannot see the DOCTYPE: the tree check does."""
    body = (
        "+ADw-!DOCTYPE gpx +AFs-+ADw-!ENTITY xxe SYSTEM +ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-"
    )
    data = (
        f'<?xml version="1.0" encoding="UTF-7"?>{body}+ADw-gpx+AD4-+ACY-xxe;+ADw-/gpx+AD4-'.encode()
    )
    with pytest.raises(ImportProblem) as caught:
        xmlsafe.parse_xml(data, "GPX")
    assert "root:" not in str(caught.value)


def test_dtd_in_utf16_is_refused() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE gpx [<!ENTITY a "b">]><gpx>&a;</gpx>'
    with pytest.raises(ImportProblem, match="declares a DTD"):
        xmlsafe.parse_xml(data.encode("utf-16"), "GPX")


def test_the_parser_itself_never_resolves_entities() -> None:
    """Second line of defence: even past the DOCTYPE scan, lxml must not read the file."""
    body = EXTERNAL_ENTITY.split(b"\n", 1)[1]
    root = xmlsafe._parse(body, None)
    assert root is not None
    assert b"root:" not in etree.tostring(root)


# --- Quirks that must be accepted ---------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", [b"          ", b"\xef\xbb\xbf", b"\n\n", b"garbage text\r\n", b"\xef\xbb\xbf  x"]
)
def test_anything_before_the_declaration_is_skipped(prefix: bytes) -> None:
    data = prefix + b'<?xml version="1.0" encoding="UTF-8"?>\n' + MINIMAL_GPX
    assert xmlsafe.local_name(xmlsafe.parse_xml(data, "GPX").tag) == "gpx"


def test_text_before_the_root_without_a_declaration() -> None:
    assert len(gpx.parse(b"Exported by MyApp\n" + MINIMAL_GPX)[0].streams) == 1


def test_real_quirk_file_with_text_before_the_declaration() -> None:
    data = (ACTIVITIES / "quirks/runv__activity.tcx").read_bytes()
    assert not data.startswith(b"<")
    assert xmlsafe.local_name(xmlsafe.parse_xml(data, "TCX").tag) == "TrainingCenterDatabase"


def test_undeclared_prefixes_are_accepted() -> None:
    data = b"""<?xml version="1.0"?>
<gpx xsi:schemaLocation="x"><trk><trkseg><trkpt lat="1" lon="2"><extensions>
<gpxtpx:TrackPointExtension><gpxtpx:hr>140</gpxtpx:hr></gpxtpx:TrackPointExtension>
</extensions></trkpt></trkseg></trk></gpx>"""
    assert gpx.parse(data)[0].streams.hr[0] == 140


def test_undeclared_prefix_does_not_hide_the_real_error() -> None:
    data = b"<gpx>\n<trk><trkseg><trkpt lat='1' lon='2'><gpxtpx:hr>1</gpxtpx:hr>\n<a></trkpt></gpx>"
    with pytest.raises(ImportProblem, match=r"\(line 3: Opening and ending tag mismatch: a line 3"):
        gpx.parse(data)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "iso-8859-1"])
def test_other_encodings(encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding.upper()}"?><gpx creator="Zürich"/>'
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    assert xmlsafe.parse_xml(raw, "GPX").get("creator") == "Zürich"


# --- Things that are not activities --------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
HTML = b"<!DOCTYPE html>\n<html><head><title>Strava</title></head><body><p>Log in</body></html>"
NOT_ACTIVITIES = {
    "empty": b"",
    "whitespace": b" \n\t",
    "png": PNG,
    "random": bytes(range(256)) * 4,
    "text": b"hello, this is not xml at all",
    "html": HTML,
    "html without doctype": b"<html><body>Hello</body></html>",
    "kml": b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>',
    "broken": b'<?xml version="1.0"?>\n<gpx>\n<trk>\n</gpx>',
    "truncated": MINIMAL_GPX[:60],
    "lone declaration": b'<?xml version="1.0"?>',
}


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize("data", NOT_ACTIVITIES.values(), ids=NOT_ACTIVITIES.keys())
def test_not_an_activity_gets_a_clear_sentence(
    parse: Callable[[bytes], list[ParsedActivity]], data: bytes
) -> None:
    with pytest.raises(ImportProblem) as caught:
        parse(data)
    message = str(caught.value)
    assert message.startswith("This ") and message.endswith(".")
    assert "Traceback" not in message and "lxml" not in message


def test_specific_sentences() -> None:
    with pytest.raises(NotAnActivity, match=r"web page \(HTML\)"):
        gpx.parse(HTML)
    with pytest.raises(NotAnActivity, match="binary"):
        tcx.parse(PNG)
    with pytest.raises(ImportProblem, match=r"^This GPX file is empty\.$"):
        gpx.parse(b"")
    with pytest.raises(ImportProblem) as caught:
        gpx.parse(b'<?xml version="1.0"?>\n<gpx>\n<trk>\n</gpx>')
    assert str(caught.value) == (
        "This GPX file is not well-formed XML "
        "(line 4: Opening and ending tag mismatch: trk line 3 and gpx)."
    )


def test_line_numbers_count_the_skipped_text() -> None:
    with pytest.raises(ImportProblem, match=r"\(line 5: "):
        tcx.parse(b"junk\njunk\n<?xml version='1.0'?>\n<TrainingCenterDatabase>\n</Oops>")


# --- Shared helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-08-05T14:23:59Z", datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)),
        (" 2010-08-05T14:23:59.250Z\n", datetime(2010, 8, 5, 14, 23, 59, 250000, tzinfo=UTC)),
        ("2010-08-05T16:23:59+02:00", datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)),
        ("2010-08-05T10:53:59-0330", datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)),
        ("2010-08-05T15:23:59+01", datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)),
        ("2010-08-05T14:23:59", datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)),
        ("2010-08-05 14:23:59.1234567Z", datetime(2010, 8, 5, 14, 23, 59, 123457, tzinfo=UTC)),
        ("20100805T142359Z", datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)),
        ("1901-12-13T20:45:52Z", datetime(1901, 12, 13, 20, 45, 52, tzinfo=UTC)),
    ],
)
def test_timestamps(text: str, expected: datetime) -> None:
    assert xmlsafe.utc_datetime(xmlsafe.epoch_seconds(text)) == expected
    assert xmlsafe.utc_datetime(float(xmlsafe.epoch_array([text], [])[0])) == expected


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "2010-13-05T14:23:59Z", "2010-08-05T25:00:00Z", "2010-08-05T14:23:5xZ"],
)
def test_unreadable_timestamps(text: str) -> None:
    with pytest.raises(ValueError):
        xmlsafe.epoch_seconds(text)
    lost: list[str] = []
    assert np.isnan(xmlsafe.epoch_array([text], lost)[0]) and len(lost) == 1


def test_cached_timestamps_agree_with_the_full_parser() -> None:
    texts = [f"2021-06-30T23:59:{s:02d}.{s * 7 % 1000:03d}+01:00" for s in range(60)] + [
        f"2021-07-01T00:00:{s:02d}Z" for s in range(60)
    ]
    cached = xmlsafe.epoch_array([*texts, None], [])
    assert np.isnan(cached[-1])
    np.testing.assert_array_equal(cached[:-1], [xmlsafe.epoch_seconds(t) for t in texts])


# --- Fuzzing: real files, mutated ---------------------------------------------------------

SNIPPETS = [
    b"<", b">", b"&", b"&lol;", b"<!DOCTYPE x>", b"]]>", b"\x00", b"\xff\xfe", b"<?xml version='1.0'?>",
    b"<x:y>", b"</", b"nan", b"-1e999", b"<trkpt lat='1' lon='2'>", b"<Trackpoint>", b"\xc3",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(["", "nan", "inf", "-1e999", "1e999", "91", "-181", "abc", "2010-02-30T00:00:00Z",
                     "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00+14:00", " 12 ", "1_0"]),
    st.text(max_size=30),
)  # fmt: skip
_LEAF_TEXT = re.compile(rb">([^<>]*)<")
_ATTRIBUTE = re.compile(rb'="([^"]*)"')


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(REAL_FILES)).read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(SNIPPETS))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "truncate":
            del data[at:]
    return bytes(data)


@st.composite
def value_mutations(draw: st.DrawFn) -> bytes:
    """Still well-formed: element texts and attribute values replaced by odd ones."""
    data = draw(st.sampled_from(REAL_FILES)).read_bytes()
    spans = [m.span(1) for m in _LEAF_TEXT.finditer(data)] + [
        m.span(1) for m in _ATTRIBUTE.finditer(data)
    ]
    chosen = sorted(
        set(draw(st.lists(st.sampled_from(spans), min_size=1, max_size=40))), reverse=True
    )
    for start, end in chosen:
        value = escape(draw(VALUES), {'"': "&quot;"}).encode("utf-8", "surrogatepass")
        data = data[:start] + value + data[end:]
    return data


def _parse_or_explain(data: bytes) -> None:
    for parse in PARSERS:
        try:
            activities = parse(data)
        except ImportProblem as problem:
            assert str(problem).startswith("This ")
            continue
        for activity in activities:
            streams = activity.streams
            assert all(len(values) == len(streams) for values in vars(streams).values())
            assert activity.start is None or activity.start.tzinfo is not None


FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(byte_mutations())
def test_mutated_bytes_only_raise_import_problems(data: bytes) -> None:
    _parse_or_explain(data)


@FUZZ
@given(value_mutations())
def test_mutated_values_only_raise_import_problems(data: bytes) -> None:
    _parse_or_explain(data)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_only_raise_import_problems(data: bytes) -> None:
    _parse_or_explain(data)
