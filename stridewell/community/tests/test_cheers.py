"""Cheers: one per person and thing, only on what you can see, the owner told once."""

import pytest
from django.http import Http404
from django.utils import timezone

from conftest import make_user
from stridewell.community.cheers import cheer, cheer_counts, cheers_on, uncheer
from stridewell.community.models import Cheer, Kind, Notification
from stridewell.community.posting import Suspended
from stridewell.community.stories import StoryInput, create_story
from stridewell.community.tests.story_fixtures import (
    api,
    block,
    buddies,
    login,
    named,
    run_of,
)


@pytest.fixture
def charlie(db):
    """A third person, a stranger to Alice unless a test says otherwise."""
    return make_user("charlie@example.org")


def test_cheering_twice_is_one_cheer_and_one_notification(alice, bob):
    named(bob, "Sam")
    run = run_of(alice)
    cheer(bob, run=run)
    cheer(bob, run=run)
    assert Cheer.objects.count() == 1
    note = Notification.objects.get()
    assert note.kind == Kind.CHEER and note.text == "Sam cheered your run “Morning loop”"
    assert note.user == alice and note.url == f"/runs/{run.pk}/"
    # Un-cheering and cheering again does not tell Alice a second time.
    uncheer(bob, run=run)
    cheer(bob, run=run)
    assert Notification.objects.count() == 1
    assert cheers_on(alice, run) == (1, False)
    assert cheers_on(bob, run) == (1, True)


def test_the_api_cheers_and_uncheers_runs_and_stories(alice, bob):
    buddies(alice, bob)
    run = run_of(alice, "buddies")
    story = create_story(alice, StoryInput(title="t", body="b", visibility="buddies"))
    for path in (f"/api/v1/runs/{run.pk}/cheers", f"/api/v1/stories/{story.pk}/cheers"):
        assert api(bob).post(path).json() == {"cheers": 1, "cheered": True}
        assert api(bob).post(path).json() == {"cheers": 1, "cheered": True}
        assert api(bob).delete(path).json() == {"cheers": 0, "cheered": False}
        assert api(bob).delete(path).json() == {"cheers": 0, "cheered": False}
    api(bob).post(f"/api/v1/stories/{story.pk}/cheers")
    assert api(alice).get(f"/api/v1/stories/{story.pk}").json()["cheers"] == 1


def test_nothing_to_cheer_that_you_cannot_see(alice, bob, charlie):
    buddies(alice, bob)
    run = run_of(alice, "buddies")
    with pytest.raises(Http404):
        cheer(charlie, run=run)
    assert api(charlie).post(f"/api/v1/runs/{run.pk}/cheers").status_code == 404
    assert login(charlie).post(f"/runs/{run.pk}/cheer/").status_code == 404
    assert not Cheer.objects.exists() and not Notification.objects.exists()


def test_a_blocked_person_cannot_cheer_my_things(alice, bob):
    run = run_of(alice)
    story = create_story(alice, StoryInput(title="t", body="b", visibility="public"))
    block(alice, bob)
    assert api(bob).post(f"/api/v1/runs/{run.pk}/cheers").status_code == 404
    assert api(bob).post(f"/api/v1/stories/{story.pk}/cheers").status_code == 404
    assert not Cheer.objects.exists()


def test_a_held_story_cannot_be_cheered_by_others(alice, bob):
    held = create_story(
        alice, StoryInput(title="t", body="I wanted to kill myself", visibility="public")
    )
    assert api(bob).post(f"/api/v1/stories/{held.pk}/cheers").status_code == 404


def test_counts_leave_out_people_blocked_either_way(alice, bob, charlie):
    run = run_of(alice)
    cheer(bob, run=run)
    cheer(charlie, run=run)
    block(charlie, alice)
    assert cheer_counts(alice, runs=[run]).total == {run.pk: 1}
    assert cheer_counts(bob, runs=[run]).total == {run.pk: 2}


def test_a_suspended_person_cannot_cheer(alice, bob):
    profile = bob.profile
    profile.suspended_until = timezone.now() + timezone.timedelta(days=1)
    profile.save()
    run = run_of(alice)
    with pytest.raises(Suspended):
        cheer(bob, run=run)
    response = api(bob).post(f"/api/v1/runs/{run.pk}/cheers")
    assert response.status_code == 403 and "paused" in response.json()["detail"]


def test_the_cheer_button_toggles_on_the_page(alice, bob):
    story = create_story(alice, StoryInput(title="t", body="b", visibility="public"))
    client = login(bob)
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert 'aria-pressed="false"' in page and "0 cheers" in page
    swapped = client.post(f"/stories/{story.pk}/cheer/", {"do": "cheer"}, HTTP_HX_REQUEST="1")
    html = swapped.content.decode()
    assert 'aria-pressed="true"' in html and "1 cheer<" in html and "Cheered" in html
    client.post(f"/stories/{story.pk}/cheer/", {"do": "uncheer"}, HTTP_HX_REQUEST="1")
    assert not Cheer.objects.exists()
    # The owner sees the count, not a button to cheer themselves.
    own = login(alice).get(f"/stories/{story.pk}/").content.decode()
    assert "aria-pressed" not in own and "0 cheers" in own
