"""The safety plan: written on its own page, encrypted at rest, shown only to its owner."""

from django.db import connection
from django.test import Client

from stridewell.wellbeing import safety
from stridewell.wellbeing.models import SafetyPlan

WORDS = {
    "warning_signs": "Not answering messages",
    "coping_myself": "A slow run by the canal",
    "people_places": "The library on Fridays",
    "people_to_ask": "My sister Ruth",
    "professionals": "Dr Okafor at the surgery",
    "safer_surroundings": "Give the pills to Ruth",
    "reasons_to_live": "My dog Pepper",
}


def form(**extra):
    return {**WORDS, "trusted_name": "Ruth", "trusted_phone": "+44 7700 900123", **extra}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_page_is_calm_and_asks_each_section(alice_client):
    page = alice_client.get("/safety-plan/").content.decode()
    assert "something you write when you feel steadier" in page
    for section in safety.SECTIONS:
        assert f'name="{section.key}"' in page and section.title in page


def test_page_needs_signing_in(db):
    response = Client().get("/safety-plan/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_saved_plan_comes_back_on_the_page(alice_client, alice):
    response = alice_client.post("/safety-plan/", form())
    assert response.status_code == 302 and response["Location"] == "/safety-plan/"
    page = alice_client.get("/safety-plan/").content.decode()
    for text in WORDS.values():
        assert text in page
    assert "+44 7700 900123" in page
    assert safety.contents_of(SafetyPlan.objects.get(user=alice)).sections == WORDS


def test_raw_database_row_holds_no_plaintext(alice_client, alice):
    alice_client.post("/safety-plan/", form())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM wellbeing_safetyplan WHERE user_id = %s", [alice.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "v1:" in row
    for text in [*WORDS.values(), "Ruth", "7700"]:
        assert text not in row


def test_help_page_shows_my_plan_with_a_call_link(alice_client, alice):
    alice_client.post("/safety-plan/", form())
    page = alice_client.get("/help/").content.decode()
    assert "Nobody is watching this app" in page
    assert page.index("Anywhere in the world") < page.index("A slow run by the canal")
    assert "My dog Pepper" in page and "Making my surroundings safer" in page
    assert 'href="tel:+447700900123"' in page
    assert 'href="/safety-plan/"' in page


def test_nobody_else_sees_my_plan(alice, bob):
    safety.save_plan(alice, WORDS, "Ruth", "07700 900123")
    safety.save_plan(bob, {"coping_myself": "Bake bread"})
    bob_page = client_for(bob).get("/help/").content.decode()
    assert "Bake bread" in bob_page
    assert not any(text in bob_page for text in [*WORDS.values(), "Ruth", "900123"])
    bob_plan_page = client_for(bob).get("/safety-plan/").content.decode()
    assert "Bake bread" in bob_plan_page and "A slow run" not in bob_plan_page
    signed_out = Client().get("/help/").content.decode()
    assert "My safety plan" not in signed_out
    assert not any(text in signed_out for text in [*WORDS.values(), "Bake bread", "Ruth"])


def test_without_a_plan_the_help_page_offers_to_write_one(alice_client, bob):
    safety.save_plan(bob, WORDS)
    page = alice_client.get("/help/").content.decode()
    assert "You can write a safety plan for times like this" in page
    assert 'href="/safety-plan/"' in page and "Not answering messages" not in page


def test_saving_an_empty_plan_removes_it(alice_client, alice):
    alice_client.post("/safety-plan/", form())
    alice_client.post("/safety-plan/", {key: "" for key in form()})
    assert not SafetyPlan.objects.filter(user=alice).exists()
    assert "You can write a safety plan" in alice_client.get("/help/").content.decode()


def test_a_partial_plan_is_still_a_plan(alice_client):
    alice_client.post("/safety-plan/", {"people_to_ask": "Sam next door"})
    page = alice_client.get("/help/").content.decode()
    assert "Sam next door" in page and "My warning signs" not in page


def test_a_phone_that_is_not_a_number_is_refused_kindly(alice_client, alice):
    response = alice_client.post("/safety-plan/", form(trusted_phone="javascript:alert(1)"))
    assert response.status_code == 200 and "A phone number, please" in response.content.decode()
    assert "A slow run by the canal" in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_plan_as_dict_is_the_owners_words(alice):
    plan = safety.save_plan(alice, WORDS, "Ruth", "07700 900123")
    exported = safety.plan_as_dict(plan)
    assert exported["sections"] == WORDS
    assert (exported["trusted_name"], exported["trusted_phone"]) == ("Ruth", "07700 900123")
    assert safety.plan_for(alice) == plan


def test_help_page_still_works_when_the_plan_cannot_be_decrypted(alice_client, alice):
    SafetyPlan.objects.create(user=alice, content_ciphertext="v1:deadbeef:AAAA")
    page = alice_client.get("/help/").content.decode()
    assert "Nobody is watching this app" in page
    plan_page = alice_client.get("/safety-plan/").content.decode()
    assert "could not be opened with the current key" in plan_page
