"""Nobody sees anyone else's wellbeing: every wellbeing page and API answer, as Bob and as a visitor."""

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from stridewell.accounts.models import ApiToken
from stridewell.wellbeing.models import CheckIn, Response
from stridewell.wellbeing.questionnaires import answer
from stridewell.wellbeing.safety import save_plan

SECRETS = ("ALICE-NOTE", "alicetag", "ALICE-PLAN", "Alice Trusted")


@pytest.fixture
def alices_wellbeing(alice):
    checkin = CheckIn.objects.create(user=alice, recorded_at="2026-11-20T08:00Z", feeling=-5)
    checkin.note = "ALICE-NOTE"
    checkin.save()
    checkin.set_tags(["alicetag"])
    response, _ = answer(alice, "phq8", [3] * 8)
    save_plan(alice, {"warning_signs": "ALICE-PLAN"}, "Alice Trusted", "+44 7700 900123")
    return checkin, response


def wellbeing_urls(checkin, response):
    """Every URL pattern of the wellbeing app, filled with Alice's ids, plus the API."""
    urls = []
    for pattern in get_resolver().url_patterns:
        module = getattr(pattern, "urlconf_module", None)
        if module is None or not getattr(module, "__name__", "").startswith("stridewell.wellbeing"):
            continue
        for sub in module.urlpatterns:
            route = "/" + str(sub.pattern)
            route = route.replace("<int:checkin_id>", str(checkin.pk)).replace(
                "<int:response_id>", str(response.pk)
            )
            route = route.replace("<slug:instrument_id>", "phq8")
            assert "<" not in route, route
            urls.append(route)
    urls += [
        "/checkins/timeline.json?days=365",
        "/questionnaires/trend.json?instrument=phq8",
        "/checkins/year/?year=2026",
    ]
    return urls


def api_urls(checkin):
    return [
        "/api/v1/checkins",
        f"/api/v1/checkins/{checkin.pk}",
        "/api/v1/responses",
        "/api/v1/runs",
    ]


def assert_nothing_of_alice(body: str, url: str) -> None:
    for secret in SECRETS:
        assert secret not in body, f"{secret} leaked on {url}"
    assert not re.search(r'"feeling":\s*-5', body), url


def test_bob_sees_nothing_of_alices_wellbeing_anywhere(alices_wellbeing, bob):
    checkin, response = alices_wellbeing
    client = Client()
    client.force_login(bob)
    urls = wellbeing_urls(checkin, response)
    assert len(urls) >= 12
    for url in urls:
        reply = client.get(url)
        assert reply.status_code in (200, 302, 404, 405), url
        assert_nothing_of_alice(reply.content.decode(), url)
    for url in (f"/checkins/{checkin.pk}/", f"/questionnaires/responses/{response.pk}/"):
        assert client.get(url).status_code == 404
    _, token = ApiToken.objects.issue(bob)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    for url in api_urls(checkin):
        reply = api.get(url)
        assert reply.status_code in (200, 404), url
        assert_nothing_of_alice(reply.content.decode(), url)


def test_a_visitor_sees_nothing_either(alices_wellbeing):
    checkin, response = alices_wellbeing
    client = Client()
    for url in wellbeing_urls(checkin, response) + api_urls(checkin):
        reply = client.get(url)
        assert reply.status_code in (200, 302, 401, 404, 405), url
        assert_nothing_of_alice(reply.content.decode(), url)


def test_alice_herself_sees_all_of_it(alices_wellbeing, alice_client):
    checkin, _ = alices_wellbeing
    assert "ALICE-NOTE" in alice_client.get(f"/checkins/{checkin.pk}/").content.decode()
    help_page = alice_client.get("/help/").content.decode()
    assert "ALICE-PLAN" in help_page and "Alice Trusted" in help_page
    assert "PHQ8: 24" in alice_client.get("/questionnaires/").content.decode()


def test_export_and_reimport_bring_the_safety_plan_back(alices_wellbeing, alice, tmp_path):
    from conftest import make_user
    from stridewell.accounts.export import write_export
    from stridewell.runs.imports import import_files
    from stridewell.wellbeing.safety import plan_as_dict, plan_for

    out = tmp_path / "export.zip"
    write_export(alice, out)
    fresh = make_user("fresh@example.org")
    import_files(fresh, [(out, "export.zip")])
    import_files(fresh, [(out, "export.zip")])  # twice: nothing doubles
    restored = plan_as_dict(plan_for(fresh))
    assert (
        restored["sections"]["warning_signs"] == "ALICE-PLAN"
        and restored["trusted_name"] == "Alice Trusted"
    )
    assert CheckIn.objects.filter(user=fresh).count() == 1
    assert Response.objects.filter(user=fresh).count() == 1
