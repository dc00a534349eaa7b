"""The machinery of the leak sweep: every URL pattern and API operation, filled with Olive's
objects, requested by one viewer, each answer searched for what that viewer may not see.

Every request runs inside a savepoint that is rolled back, so one request (a buddy ending
the buddyship, a stranger joining a group) never changes what the next one should find.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from stridewell.community.tests.leak_world import OWNER, World, fingerprint

ARG = re.compile(r"<(?:\w+:)?(\w+)>")
# What each URL argument names. ``code`` means two things, told apart by the pattern's name.
ARG_KINDS = {
    "run_id": "run", "job_id": "import", "token_id": "token", "place_id": "place",
    "checkin_id": "checkin", "response_id": "response", "instrument_id": "instrument",
    "slug": "group_slug", "group_id": "group", "user_id": "member_user", "event_id": "event",
    "goal_id": "goal", "story_id": "story", "comment_id": "comment", "pair_id": "buddyship",
    "handle": "person", "block_id": "block", "notification_id": "notification",
    "experiment_id": "experiment",
}  # fmt: skip
CODE_KINDS = {"groups:invite": "group_code", "people:invite": "buddy_code"}
# Patterns the page sweep leaves alone, each with its reason. Anything else that cannot be
# filled fails the sweep by name, so a new URL is never skipped in silence.
EXCLUDED = {
    "admin/": "Django's admin: staff only, guarded by Django's own permission checks",
    "api/v1/": "the API: swept operation by operation from its OpenAPI schema instead",
    "account_logout": "signing out would end the viewer's session mid-sweep",
    "account_confirm_email": "allauth: the key in the link is the secret; holds no one's data",
    "account_reset_password_from_key": "allauth: the key in the link is the secret",
}
# Sent along with every replayed form, for the actions that take no form of their own:
# a member asking to be made organiser must be refused like everyone else.
EXTRA_FIELDS = {"role": "organiser"}
GET_ONLY_PREFIXES = ("accounts/",)  # allauth's own forms change only the viewer's account
OK = range(200, 300)
# Olive's forms, by her id and the page: every viewer's sweep replays the same ones.
_FORMS: dict[tuple[int, str], dict[str, Any]] = {}


@dataclass
class Finding:
    viewer: str
    method: str
    url: str
    status: int
    what: str

    def __str__(self) -> str:
        return f"{self.viewer} {self.method} {self.url} -> {self.status}: {self.what}"


@dataclass
class Target:
    """One request to make: a filled URL and the viewers allowed to see what it names."""

    name: str
    url: str
    audience: frozenset[str]
    names_object: bool
    reveals: frozenset[str] = frozenset()


@dataclass
class Sweep:
    world: World
    viewer: str
    client: Client
    owner: Client
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    seen: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)  # kinds whose list showed Olive her own

    def __post_init__(self) -> None:
        self.baseline = fingerprint(self.world, self.viewer)

    # ------------------------------------------------------------------ requests

    def call(self, method: str, target: Target, data: Any = None, as_json: bool = False) -> Any:
        """Make one request in a savepoint, check the answer, then roll everything back."""
        writes: list[str] = []
        try:
            with transaction.atomic(), connection.execute_wrapper(_writes_into(writes)):
                response = self._send(method, target.url, data, as_json)
                # Every request is undone, so Olive's data only needs looking at again
                # when this one wrote something.
                after = fingerprint(self.world, self.viewer) if writes else self.baseline
                raise _Undo(response, after)
        except _Undo as undo:
            response, after = undo.response, undo.after
        finally:
            # Nor may what lives outside the database: rate limits, cached pages, and the
            # cookie that carries "You joined ..." messages to the next page.
            cache.clear()
            self.client.cookies.pop("messages", None)
        self.requests += 1
        self._check(method, target, response, tampered(self.baseline, after))
        return response

    def _send(self, method: str, url: str, data: Any, as_json: bool) -> Any:
        if as_json:
            body = json.dumps(data if data is not None else {})
            return self.client.generic(method, url, body, content_type="application/json")
        if method == "GET":
            return self.client.get(url)
        return self.client.post(url, data or {})

    def _check(self, method: str, target: Target, response: Any, changed: list[str]) -> None:
        text = body_text(response).lower()
        status = response.status_code

        def note(what: str) -> None:
            self.findings.append(Finding(self.viewer, method, target.url, status, what))

        if status >= 500:
            note("server error")
        for marker in leaked(self.world, self.viewer, text, target.url, target.reveals):
            note(f"shows {marker!r}")
        if self.viewer == OWNER:
            self.seen.update(m for m in self.world.markers if _escaped(m, text))
            return
        if target.names_object and self.viewer not in target.audience and status in OK:
            note("answers 2xx about an object this viewer may not see")
        if changed:
            note(f"changed Olive's {', '.join(changed)}")

    # ------------------------------------------------------------------ forms

    def owner_form(self, url: str) -> dict[str, Any]:
        """What Olive's own form on this page would send, its texts replaced: replayed by
        someone else it must change nothing."""
        key = (self.world.olive.pk, url)  # the same world again (SQLite reuses ids): reuse
        if key not in _FORMS:
            try:  # Olive opening a page may change things too (a notification read)
                with transaction.atomic():
                    raise _Undo(self.owner.get(url), {})
            except _Undo as undo:
                response = undo.response
            cache.clear()
            found: dict[str, Any] = {}
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                found = form_payload(response.content.decode(), url, self.world)
            _FORMS[key] = found
        return {**EXTRA_FIELDS, **_FORMS[key]}


def _writes_into(writes: list[str]) -> Any:
    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not sql.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            writes.append(sql)
        return execute(sql, params, many, context)

    return wrapper


class _Undo(Exception):  # noqa: N818 - not an error: the way out of the savepoint
    def __init__(self, response: Any, after: dict[str, Any]) -> None:
        self.response, self.after = response, after


# ---------------------------------------------------------------------- answers


def body_text(response: Any) -> str:
    """The answer as text; a zip (an export) is opened and every file in it read."""
    raw = b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return raw.decode("utf-8", "replace")


def marker_forms(marker: str) -> tuple[str, ...]:
    """The marker as it may appear: raw, HTML-escaped, JSON-escaped, in a URL; lower case,
    as the answers are searched lower-cased (tags, for one, are kept in lower case)."""
    forms = (
        marker,
        html.escape(marker),
        json.dumps(marker)[1:-1],
        marker.replace("&", "\\u0026"),
        quote(marker),
    )
    return tuple(form.lower() for form in forms)


def _escaped(marker: str, text: str) -> bool:
    """Whether ``text`` (already lower-cased) holds the marker in any form."""
    return any(form in text for form in marker_forms(marker))


def leaked(
    world: World, viewer: str, text: str, url: str, reveals: frozenset[str] = frozenset()
) -> list[str]:
    """Markers this viewer may not see that the answer holds (what the URL itself carries or
    reveals to whoever holds it aside)."""
    return [
        marker
        for marker, audience in world.markers.items()
        if viewer not in audience
        and marker not in url
        and marker not in reveals
        and _escaped(marker, text)
    ]


def tampered(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Sections of Olive's data that a request changed: any difference in an exact section,
    a changed or missing row in a section where others may add rows."""
    changed = []
    for section, rows in before.items():
        now = after[section]
        if section.startswith("+"):
            keys = [pk for pk, row in rows.items() if now.get(pk) != row]
        else:
            keys = [pk for pk in rows.keys() | now.keys() if rows.get(pk) != now.get(pk)]
        if keys:
            changed.append(f"{section.lstrip('+')} {sorted(keys, key=str)}")
    return changed


# ---------------------------------------------------------------------- forms


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, Any]]] = []
        self.free_text: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.forms.append((a.get("action", ""), {}))
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self._select and "selected" in a and self.forms:
                self.forms[-1][1][self._select] = a.get("value", "")
            return
        fields, name = self.forms[-1][1], a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "on" if kind == "checkbox" else "")
            if kind in ("text", "search", "url", "tel"):
                self.free_text.add(name)
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            self.free_text.add(name)
            fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_payload(page: str, url: str, world: World) -> dict[str, Any]:
    """The fields of the page's POST form that posts to ``url``, free text replaced."""
    parser = _Forms()
    parser.feed(page)
    for action, fields in parser.forms:
        if action in ("", url):
            return {
                name: _replace(name, value, parser.free_text, world)
                for name, value in fields.items()
                if name != "csrfmiddlewaretoken"
            }
    return {}


def _replace(name: str, value: str, free_text: set[str], world: World) -> str:
    """Free text becomes "HACKED" (so a save shows); a marker is never sent back."""
    if name in free_text and value:
        return "HACKED"
    return "HACKED" if any(marker in value for marker in world.markers) else value


# ---------------------------------------------------------------------- filling


def url_patterns() -> Iterator[tuple[str, str]]:
    """Every pattern as (route, name), names with their namespace."""

    def walk(resolver: URLResolver, prefix: str, ns: str) -> Iterator[tuple[str, str]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), f"{ns}{entry.name or ''}"

    yield from walk(get_resolver(), "", "")


def excluded(route: str, name: str) -> bool:
    return any(route.startswith(k) or name == k for k in EXCLUDED)


def fill(world: World, route: str, name: str) -> list[Target] | None:
    """Every way to fill the route's arguments with the world's objects; None if one cannot be."""
    args = ARG.findall(route)
    choices = []
    for arg in args:
        kind = CODE_KINDS.get(name) if arg == "code" else ARG_KINDS.get(arg)
        things = world.of_kind(kind) if kind else []
        if not things:
            return None
        choices.append(things)
    targets = []
    for combo in itertools.product(*choices):
        url = route
        for thing in combo:
            url = ARG.sub(str(thing.key), url, count=1)
        audience = frozenset.intersection(*(t.audience for t in combo)) if combo else frozenset()
        reveals = frozenset().union(*(t.reveals for t in combo))
        targets.append(Target(name, "/" + url, audience, bool(combo), reveals))
    return targets


def request_body(schema: dict[str, Any], spec: dict[str, Any], world: World) -> Any:
    """A plausible body for an operation, aimed at Olive's things where it names one."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    out: dict[str, Any] = {}
    for prop, sub in schema.get("properties", {}).items():
        out[prop] = _value(prop, sub, spec, world)
    return out


def _value(prop: str, sub: dict[str, Any], spec: dict[str, Any], world: World) -> Any:
    kind = ARG_KINDS.get(prop)
    if kind and world.of_kind(kind):
        return world.of_kind(kind)[0].key
    if prop == "ids":
        return [t.key for t in world.of_kind("notification")]
    for option in sub.get("anyOf", []):
        if option.get("type") != "null":
            sub = option
            break
    if "$ref" in sub:
        target = spec["components"]["schemas"][sub["$ref"].rsplit("/", 1)[1]]
        return target["enum"][0] if "enum" in target else request_body(sub, spec, world)
    if "enum" in sub:
        return sub["enum"][0]
    simple = {"integer": 1, "number": 1.0, "boolean": True, "array": [], "object": {}}
    if sub.get("format") == "date-time":
        return "2026-05-02T08:00:00Z"
    if sub.get("format") == "date":
        return "2026-05-02"
    return simple.get(sub.get("type", "string"), "HACKED")
