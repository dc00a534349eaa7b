"""The player's manifest and service worker: installable, offline-ready, always fresh."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image


def test_manifest_makes_the_player_installable(client: Client) -> None:
    response = client.get("/steps/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == "/steps/"
    assert data["display"] == "standalone"
    assert data["theme_color"] == "#0f766e"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])


def test_every_icon_is_a_real_png_of_its_stated_size(client: Client) -> None:
    for icon in client.get("/steps/manifest.webmanifest").json()["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert isinstance(path, str), icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_service_worker_is_served_under_steps_and_never_cached_stale(client: Client) -> None:
    response = client.get("/steps/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for asset in ("player.js", "player.css", "htmx-2.0.11.min.js", "icon-192.png"):
        assert asset in body
    assert '"/steps/session/"' in body
    assert "{%" not in body and "{{" not in body


def test_service_worker_only_answers_get(client: Client) -> None:
    assert client.post("/steps/sw.js").status_code == 405


def test_player_page_has_no_inline_code(alice_client: Any) -> None:
    """A later CSP forbids inline scripts: only the JSON data island may be inline."""
    response = alice_client.get("/steps/session/?step=week-1")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="session-data" type="application/json"' in html
    assert html.count("<script") == 3  # htmx, the data island, player.js
    assert " onclick=" not in html
    assert 'rel="manifest"' in html
