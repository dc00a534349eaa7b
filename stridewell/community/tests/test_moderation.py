"""Reports, the moderation queue and its actions: who sees what, what each action does,
and that every step is logged."""

import pytest
from django.utils import timezone

from conftest import make_user
from stridewell.community.comments import add_comment
from stridewell.community.models import (
    Comment,
    Kind,
    ModerationAction,
    Notification,
    Report,
    RunAudience,
    Status,
    Story,
)
from stridewell.community.moderation import act, file_report
from stridewell.community.posting import PostingError, Suspended
from stridewell.community.stories import StoryInput, create_story
from stridewell.community.tests.story_fixtures import (
    api,
    block,
    group_of,
    login,
    named,
    run_of,
)


@pytest.fixture
def charlie(db):
    """A third person, a stranger to Alice unless a test says otherwise."""
    return make_user("charlie@example.org")


HARD = "Last year I took an overdose. I'm still here, and running is part of why."


@pytest.fixture
def mod(db):
    user = make_user("mod@example.org")
    user.is_staff = True
    user.save()
    return named(user, "Moderator")


def story(author, visibility="public", body="Running helps.", **extra):
    return create_story(
        author, StoryInput(title="My story", body=body, visibility=visibility, **extra)
    )


def post(user, path, payload):
    return api(user).post(path, payload, content_type="application/json")


def queue_ids(user):
    return [(item["type"], item["id"]) for item in api(user).get("/api/v1/moderation/queue").json()]


# --------------------------------------------------------------------------- #
# Reports
# --------------------------------------------------------------------------- #


def test_report_a_story_a_comment_or_a_person(alice, bob):
    made = story(alice)
    comment = add_comment(alice, "hello", story=made)
    for payload in ({"story_id": made.pk}, {"comment_id": comment.pk}, {"user_id": alice.pk}):
        response = post(bob, "/api/v1/reports", {**payload, "reason": "Not kind"})
        assert response.status_code == 201 and "Thank you" in response.json()["message"]
    assert Report.objects.filter(reporter=bob, state=Report.State.OPEN).count() == 3


def test_report_on_the_page_and_go_back(alice, bob):
    made = story(alice)
    page = login(bob).get(f"/reports/new/?story={made.pk}")
    assert page.status_code == 200 and "My story" in page.content.decode()
    response = login(bob).post(f"/reports/new/?story={made.pk}", {"reason": "Spam"})
    assert response.status_code == 302 and response["Location"] == f"/stories/{made.pk}/"
    assert Report.objects.get().reason == "Spam"
    named(alice, "Rowan")
    about_alice = login(bob).get(f"/reports/new/?user={alice.pk}").content.decode()
    assert "The person <strong>Rowan</strong> (@rowan)" in about_alice


def test_nothing_to_report_that_you_cannot_see(alice, bob):
    private = story(alice, "private")
    assert post(bob, "/api/v1/reports", {"story_id": private.pk, "reason": "x"}).status_code == 404
    assert login(bob).get(f"/reports/new/?story={private.pk}").status_code == 404
    assert login(bob).get("/reports/new/?story=nope").status_code == 404
    block(alice, bob)
    assert post(bob, "/api/v1/reports", {"user_id": alice.pk, "reason": "x"}).status_code == 404
    assert not Report.objects.exists()


def test_a_report_needs_one_target_and_a_reason_and_not_your_own(alice, bob):
    made = story(alice)
    assert post(bob, "/api/v1/reports", {"reason": "x"}).status_code == 400
    assert post(bob, "/api/v1/reports", {"story_id": made.pk, "reason": " "}).status_code == 400
    with pytest.raises(PostingError, match="yours"):
        file_report(alice, "hm", story=made)


def test_reporting_too_fast_is_a_kind_429(alice, bob, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (1, 3600)}
    made = story(alice)
    assert post(bob, "/api/v1/reports", {"story_id": made.pk, "reason": "a"}).status_code == 201
    response = post(bob, "/api/v1/reports", {"user_id": alice.pk, "reason": "b"})
    assert response.status_code == 429 and "wait" in response.json()["detail"]


# --------------------------------------------------------------------------- #
# Who sees the queue
# --------------------------------------------------------------------------- #


def test_only_moderators_and_organisers_have_a_queue(alice, bob, mod):
    for path in ("/moderation/", "/moderation/log/"):
        assert login(bob).get(path).status_code == 404
        assert login(mod).get(path).status_code == 200
    assert api(bob).get("/api/v1/moderation/queue").status_code == 404
    made = story(alice, body=HARD)
    response = post(bob, "/api/v1/moderation/actions", {"action": "approve", "story_id": made.pk})
    assert response.status_code == 404
    assert (
        login(bob).post("/moderation/act/", {"action": "approve", "story": made.pk}).status_code
        == 404
    )
    assert Story.objects.get().status == Status.HELD and not ModerationAction.objects.exists()


def test_site_moderators_see_everything_held_and_reported(alice, bob, mod):
    held = story(alice, "private", body=HARD)
    reported = story(alice)
    file_report(bob, "rude", story=reported)
    held_comment = add_comment(bob, HARD, story=reported)
    file_report(alice, "spam account", user=bob)
    quiet = story(alice)
    assert sorted(queue_ids(mod)) == sorted(
        [("story", held.pk), ("story", reported.pk), ("comment", held_comment.pk), ("user", bob.pk)]
    )
    assert ("story", quiet.pk) not in queue_ids(mod)


def test_an_organiser_sees_only_what_is_addressed_to_their_group(alice, bob, charlie):
    dana = make_user("dana@example.org")
    harbour = group_of(alice, dana, organiser=bob, name="Harbour")
    park = group_of(alice, charlie, name="Park")
    to_harbour = story(alice, "groups", body=HARD, group_ids=[harbour.pk])
    to_park = story(alice, "groups", body=HARD, group_ids=[park.pk])
    to_all_groups = story(alice, "groups", body=HARD)  # none picked: all of Alice's groups
    public = story(alice, "public", body=HARD)
    buddies_only = story(alice, "buddies", body=HARD)
    run = run_of(alice, "groups")
    RunAudience.objects.create(run=run, group=harbour)
    on_run = add_comment(dana, HARD, run=run)
    on_public_run = add_comment(charlie, HARD, run=run_of(alice, "public"))
    file_report(charlie, "hm", user=alice)
    seen = queue_ids(bob)
    assert ("story", to_harbour.pk) in seen and ("story", to_all_groups.pk) in seen
    assert ("comment", on_run.pk) in seen
    for hidden in (to_park, public, buddies_only):
        assert ("story", hidden.pk) not in seen
    assert ("comment", on_public_run.pk) not in seen
    assert ("user", alice.pk) not in seen
    assert len(seen) == 3


def test_an_organiser_does_not_moderate_their_own_posts(bob):
    group = group_of(organiser=bob)
    own = story(bob, "groups", body=HARD, group_ids=[group.pk])
    assert queue_ids(bob) == []
    response = post(bob, "/api/v1/moderation/actions", {"action": "approve", "story_id": own.pk})
    assert response.status_code == 404


def test_organisers_see_anonymous_authors_as_anonymous_site_moderators_do_not(alice, bob, mod):
    named(alice, "Rowan")
    group = group_of(alice, organiser=bob)
    story(alice, "groups", body=HARD, anonymous=True, group_ids=[group.pk])
    (item,) = api(bob).get("/api/v1/moderation/queue").json()
    assert item["author"] == {"display_name": "Anonymous", "handle": None}
    page = login(bob).get("/moderation/").content.decode()
    assert "Anonymous" in page and "Rowan" not in page and "rowan" not in page
    (seen_by_mod,) = api(mod).get("/api/v1/moderation/queue").json()
    assert seen_by_mod["author"]["handle"] == "rowan"
    assert "Rowan" in login(mod).get("/moderation/").content.decode()


def test_the_queue_page_shows_the_guidance_next_to_held_items(alice, mod):
    story(alice, body=HARD)
    page = login(mod).get("/moderation/").content.decode()
    assert "No method details" in page and "Samaritans" in page
    assert "took an overdose" in page  # the moderator reads the whole post
    assert 'value="approve"' in page and 'value="hide"' in page


def test_reporters_are_named_to_site_moderators_only(alice, bob, charlie, mod):
    named(charlie, "Reporter")
    group = group_of(alice, charlie, organiser=bob)
    made = story(alice, "groups", group_ids=[group.pk])
    file_report(charlie, "unkind", story=made)
    assert "@reporter" not in login(bob).get("/moderation/").content.decode()
    assert "@reporter" in login(mod).get("/moderation/").content.decode()


# --------------------------------------------------------------------------- #
# Actions
# --------------------------------------------------------------------------- #


def test_approving_a_held_story_publishes_it_and_tells_the_author(alice, bob, mod):
    held = story(alice, body=HARD)
    assert login(bob).get(f"/stories/{held.pk}/").status_code == 404
    response = post(mod, "/api/v1/moderation/actions", {"action": "approve", "story_id": held.pk})
    assert response.status_code == 201
    assert login(bob).get(f"/stories/{held.pk}/").status_code == 200
    note = Notification.objects.get(user=alice)
    assert note.kind == Kind.MODERATION and "now visible" in note.text and note.actor is None
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.story, entry.user) == ("approve", mod, held, alice)


def test_approving_a_held_comment_announces_it_then(alice, bob, mod):
    named(bob, "Sam")
    run = run_of(alice)
    held = add_comment(bob, HARD, run=run)
    assert not Notification.objects.filter(user=alice).exists()
    act(mod, "approve", comment=held)
    assert Notification.objects.get(user=alice).text == "Sam commented on your run “Morning loop”"
    assert api(alice).get(f"/api/v1/runs/{run.pk}/comments").json()[0]["body"] == HARD


def test_hide_and_restore_by_an_organiser_for_their_group(alice, bob, charlie):
    group = group_of(alice, charlie, organiser=bob)
    made = story(alice, "groups", group_ids=[group.pk])
    report = file_report(charlie, "unkind", story=made)
    login(bob).post("/moderation/act/", {"action": "hide", "story": made.pk, "note": "Too raw"})
    made.refresh_from_db()
    assert made.status == Status.HIDDEN
    assert login(charlie).get(f"/stories/{made.pk}/").status_code == 404
    assert "Too raw" in Notification.objects.get(user=alice).text
    report.refresh_from_db()
    assert report.state == Report.State.RESOLVED
    act(bob, "restore", story=made)
    assert login(charlie).get(f"/stories/{made.pk}/").status_code == 200
    assert list(ModerationAction.objects.values_list("action", "group_id")) == [
        ("restore", group.pk),
        ("hide", group.pk),
    ]


def test_an_action_that_does_not_fit_the_state_is_refused_kindly(alice, mod):
    made = story(alice)
    with pytest.raises(PostingError, match="“Published” now, so it can't be approved"):
        act(mod, "approve", story=made)
    response = post(mod, "/api/v1/moderation/actions", {"action": "restore", "story_id": made.pk})
    assert response.status_code == 400
    assert (
        post(
            mod, "/api/v1/moderation/actions", {"action": "remove", "story_id": made.pk}
        ).status_code
        == 400
    )
    assert not ModerationAction.objects.exists()


def test_warn_sends_the_note_to_the_person(alice, bob, mod):
    made = story(alice)
    with pytest.raises(PostingError, match="note"):
        act(mod, "warn", story=made)
    act(mod, "warn", story=made, note="Please keep it kind.")
    note = Notification.objects.get(user=alice)
    assert note.kind == Kind.MODERATION and note.text.endswith("Please keep it kind.")
    assert ModerationAction.objects.get().note == "Please keep it kind."


def test_suspend_is_for_site_moderators_and_stops_posting_until_lifted(alice, bob, charlie, mod):
    group = group_of(alice, organiser=bob)
    made = story(alice, "groups", group_ids=[group.pk])
    response = post(
        bob, "/api/v1/moderation/actions", {"action": "suspend", "story_id": made.pk, "days": 3}
    )
    assert response.status_code == 404
    response = post(
        mod,
        "/api/v1/moderation/actions",
        {"action": "suspend", "user_id": alice.pk, "days": 3, "note": "Cool off"},
    )
    assert response.status_code == 201
    alice.profile.refresh_from_db()
    assert alice.profile.suspended
    with pytest.raises(Suspended):
        story(alice)
    assert (
        "paused"
        in post(alice, f"/api/v1/runs/{run_of(charlie).pk}/comments", {"body": "hi"}).json()[
            "detail"
        ]
    )
    assert "Posting is paused" in login(alice).get("/stories/new/").content.decode()
    act(mod, "unsuspend", user=alice)
    alice.profile.refresh_from_db()
    assert not alice.profile.suspended
    assert story(alice).status == Status.PUBLISHED
    assert list(ModerationAction.objects.values_list("action", flat=True)) == [
        "unsuspend",
        "suspend",
    ]


def test_dismiss_closes_one_report(alice, bob, charlie, mod):
    made = story(alice)
    first = file_report(bob, "a", story=made)
    second = file_report(charlie, "b", story=made)
    login(mod).post("/moderation/act/", {"action": "dismiss", "report": first.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (Report.State.RESOLVED, Report.State.OPEN)
    assert ModerationAction.objects.get().report == first
    assert ("story", made.pk) in queue_ids(mod)
    act(mod, "dismiss", report=second)
    assert queue_ids(mod) == []


def test_the_log_lists_every_action_and_an_organiser_sees_their_groups_part(
    alice, bob, charlie, mod
):
    named(bob, "Organiser")
    named(alice, "Rowan")
    group = group_of(alice, organiser=bob)
    in_group = story(alice, "groups", body=HARD, group_ids=[group.pk], anonymous=True)
    public = story(charlie, body=HARD)
    act(bob, "approve", story=in_group)
    act(mod, "approve", story=public)
    mod_log = login(mod).get("/moderation/log/").content.decode()
    assert mod_log.count("Approved") == 2 and "@organiser" in mod_log and "@rowan" in mod_log
    organiser_log = login(bob).get("/moderation/log/").content.decode()
    assert organiser_log.count("Approved") == 1 and "My story" in organiser_log
    assert "rowan" not in organiser_log.lower()  # the story was anonymous


def test_comments_hidden_by_a_moderator_vanish_for_others(alice, bob, mod):
    run = run_of(alice)
    comment = add_comment(bob, "rude words", run=run)
    act(mod, "hide", comment=comment)
    assert api(alice).get(f"/api/v1/runs/{run.pk}/comments").json() == []
    assert [c["status"] for c in api(bob).get(f"/api/v1/runs/{run.pk}/comments").json()] == [
        "hidden"
    ]
    assert Comment.objects.get().status == Status.HIDDEN


def test_suspended_people_see_a_kind_explanation_on_the_story_form(alice):
    profile = alice.profile
    profile.suspended_until = timezone.now() + timezone.timedelta(days=2)
    profile.save()
    page = login(alice).post("/stories/new/", {"title": "t", "body": "b", "visibility": "public"})
    assert "You can still read" in page.content.decode()


def test_moderation_pages_name_people_by_handle_never_by_email(alice, bob, mod):
    held = story(alice, body=HARD)
    file_report(bob, "worried", user=alice)
    act(mod, "approve", story=held)
    story(alice, body=HARD)
    for path in ("/moderation/", "/moderation/log/", f"/reports/new/?user={alice.pk}"):
        assert "@example.org" not in login(mod).get(path).content.decode()
    assert "@example.org" not in api(mod).get("/api/v1/moderation/queue").content.decode()
