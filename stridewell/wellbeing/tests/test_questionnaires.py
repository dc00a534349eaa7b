"""Questionnaires through the page and the API: scored, banded, crisis handled, private."""

import pytest
from django.test import Client

from stridewell.accounts.models import ApiToken
from stridewell.wellbeing.models import Preferences, Response


def api(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_phq8_is_offered_unless_item_9_is_turned_on(alice_client, alice):
    page = alice_client.get("/questionnaires/").content.decode()
    assert "PHQ-8" in page and "/questionnaires/phq9/" not in page
    alice_client.post(
        "/questionnaires/", {"ask_phq9_item9": "on", "questionnaire_every_days": "14"}
    )
    assert Preferences.for_user(alice).ask_phq9_item9
    assert "/questionnaires/phq9/" in alice_client.get("/questionnaires/").content.decode()


def test_answering_on_the_page_shows_wording_that_never_diagnoses(alice_client, alice):
    answers = {f"item{i}": "2" for i in range(7)}  # GAD-7 = 14: moderate
    response = alice_client.post("/questionnaires/gad7/", answers)
    stored = Response.objects.get(user=alice)
    assert (stored.instrument, stored.score, stored.band, stored.crisis) == (
        "gad7",
        14,
        "moderate",
        False,
    )
    page = alice_client.get(response["Location"]).content.decode()
    assert "range often called moderate" in page and "not a diagnosis" in page


def test_an_incomplete_answer_set_is_never_scored(alice_client):
    answers = {f"item{i}": "1" for i in range(6)}  # item 7 missing
    page = alice_client.post("/questionnaires/gad7/", answers).content.decode()
    assert "Item 7" in page and not Response.objects.exists()


def test_phq9_item_9_above_zero_opens_the_crisis_page(alice_client, alice):
    Preferences.objects.update_or_create(user=alice, defaults={"ask_phq9_item9": True})
    answers = {f"item{i}": "0" for i in range(9)} | {"item8": "1"}
    response = alice_client.post("/questionnaires/phq9/", answers)
    assert response["Location"] == "/help/?after=questionnaire"
    assert Response.objects.get().crisis
    page = alice_client.get(response["Location"]).content.decode()
    assert "Thank you for answering honestly" in page and "Nobody is watching" in page


def test_api_lists_instruments_and_scores_a_response(alice_token):
    client = api(alice_token)
    ids = [i["id"] for i in client.get("/api/v1/instruments").json()]
    assert ids == ["phq9", "phq8", "gad7", "phq4", "who5"]
    made = client.post(
        "/api/v1/responses",
        {"instrument": "phq9", "answers": [0, 1, 0, 0, 0, 0, 0, 0, 1]},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["instrument"], body["score"], body["band"], body["flags"]["crisis"]) == (
        "phq9",
        2,
        "minimal",
        True,
    )
    who5 = client.post(
        "/api/v1/responses",
        {"instrument": "who5", "answers": [2, 2, 1, 1, 1]},
        content_type="application/json",
    ).json()
    assert (who5["score"], who5["flags"]["talk_to_someone"]) == (28, True)
    assert len(client.get("/api/v1/responses").json()) == 2


@pytest.mark.parametrize(
    ("payload", "where"),
    [({"instrument": "phq9", "answers": [0] * 8}, "answers"), ({"instrument": "gad7", "answers": [0] * 6 + [4]}, "answers"),
     ({"instrument": "wemwbs", "answers": [1]}, "instrument"), ({"instrument": "phq8", "answers": [0] * 7 + [None]}, "answers")],
)  # fmt: skip
def test_api_incomplete_or_unknown_is_422_naming_the_field(alice_token, payload, where):
    response = api(alice_token).post("/api/v1/responses", payload, content_type="application/json")
    assert response.status_code == 422
    assert where in response.json()["detail"][0]["loc"]
    assert not Response.objects.exists()


def test_nobody_else_sees_a_response(alice, bob, alice_token):
    api(alice_token).post(
        "/api/v1/responses",
        {"instrument": "phq8", "answers": [3] * 8},
        content_type="application/json",
    )
    response = Response.objects.get()
    _, bob_token = ApiToken.objects.issue(bob)
    assert api(bob_token).get("/api/v1/responses").json() == []
    client = Client()
    client.force_login(bob)
    assert client.get(f"/questionnaires/responses/{response.pk}/").status_code == 404
    assert "PHQ8" not in client.get("/questionnaires/").content.decode()
