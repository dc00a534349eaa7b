"""Comments on runs and stories: who may comment, replies one level deep, held comments,
notifications that never quote the comment, deleting, limits — pages, partials and API."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from conftest import make_user
from stridewell.community.comments import add_comment, comment_counts, thread
from stridewell.community.models import Comment, Kind, Notification, Status
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


HARD = "I know that feeling. I used to self-harm and running helped."


def comment_api(user, run, body, parent=None):
    payload = {"body": body} if parent is None else {"body": body, "parent_id": parent}
    return api(user).post(
        f"/api/v1/runs/{run.pk}/comments", payload, content_type="application/json"
    )


def bodies(user, run):
    return [c["body"] for c in api(user).get(f"/api/v1/runs/{run.pk}/comments").json()]


def test_comment_on_a_buddys_run_through_the_api_and_read_it(alice, bob):
    buddies(alice, bob)
    run = run_of(alice, "buddies")
    response = comment_api(bob, run, "Lovely *steady* run!")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published" and data["notice"] is None
    assert data["body_html"] == "<p>Lovely <em>steady</em> run!</p>"
    assert bodies(alice, run) == ["Lovely *steady* run!"]


def test_nobody_comments_on_what_they_cannot_see(alice, bob, charlie):
    private = run_of(alice, "private")
    assert comment_api(bob, private, "hi").status_code == 404
    assert api(bob).get(f"/api/v1/runs/{private.pk}/comments").status_code == 404
    assert login(bob).post(f"/runs/{private.pk}/comments/", {"body": "hi"}).status_code == 404
    hidden_story = create_story(alice, StoryInput(title="t", body="b", visibility="private"))
    response = api(charlie).post(
        f"/api/v1/stories/{hidden_story.pk}/comments",
        {"body": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_a_blocked_person_cannot_comment_on_my_things(alice, bob):
    run = run_of(alice, "public")
    block(alice, bob)
    assert comment_api(bob, run, "hello?").status_code == 404
    assert login(bob).post(f"/runs/{run.pk}/comments/", {"body": "hello?"}).status_code == 404


def test_replies_go_one_level_deep(alice, bob, charlie):
    run = run_of(alice)
    top = comment_api(bob, run, "Great pace").json()["id"]
    reply = comment_api(alice, run, "Thanks!", parent=top).json()
    assert reply["parent_id"] == top
    deeper = comment_api(charlie, run, "Agreed", parent=reply["id"]).json()
    assert deeper["parent_id"] == top
    (item,) = thread(alice, run)
    assert [r.comment.body for r in item.replies] == ["Thanks!", "Agreed"]


def test_replying_to_a_comment_on_something_else_is_a_404(alice, bob):
    one, two = run_of(alice, name="One"), run_of(alice, name="Two")
    top = comment_api(bob, one, "on one").json()["id"]
    assert comment_api(bob, two, "sneaky", parent=top).status_code == 404


def test_notifications_name_who_and_what_but_never_quote_the_comment(alice, bob, charlie):
    named(bob, "Sam")
    named(charlie, "Jo")
    run = run_of(alice)
    top = comment_api(bob, run, "secret words about my week").json()["id"]
    note = Notification.objects.get(user=alice)
    assert note.kind == Kind.COMMENT and note.actor == bob
    assert note.text == "Sam commented on your run “Morning loop”"
    assert note.url == f"/runs/{run.pk}/#comment-{top}"
    comment_api(charlie, run, "more private words", parent=top)
    reply_note = Notification.objects.get(user=bob)
    assert reply_note.text == "Jo replied to your comment on “Morning loop”"
    assert Notification.objects.filter(user=alice).count() == 2
    assert not Notification.objects.filter(text__contains="words").exists()


def test_turning_comment_notifications_off_is_respected(alice, bob):
    profile = alice.profile
    profile.notifications_off = [Kind.COMMENT]
    profile.save()
    comment_api(bob, run_of(alice), "hi")
    assert not Notification.objects.exists()


# --------------------------------------------------------------------------- #
# Held comments
# --------------------------------------------------------------------------- #


def test_a_held_comment_is_seen_by_its_author_only_and_tells_nobody(alice, bob, charlie):
    run = run_of(alice)
    response = comment_api(bob, run, HARD)
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "held" and "/help/" in data["notice"]
    assert bodies(bob, run) == [HARD]
    assert bodies(alice, run) == [] and bodies(charlie, run) == []
    assert comment_counts(alice, runs=[run]) == {}
    assert comment_counts(bob, runs=[run]) == {run.pk: 1}
    assert not Notification.objects.exists()


def test_the_page_shows_the_author_the_help_link_at_once(alice, bob):
    run = run_of(alice)
    response = login(bob).post(f"/runs/{run.pk}/comments/", {"body": HARD}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'href="/help/"' in html and "a person will read it soon" in html
    assert "Waiting for a moderator" in html
    story = create_story(alice, StoryInput(title="t", body="b", visibility="public"))
    login(bob).post(f"/stories/{story.pk}/comments/", {"body": HARD})
    page = login(alice).get(f"/stories/{story.pk}/").content.decode()
    assert "self-harm" not in page and "No comments yet" in page


def test_a_held_reply_is_not_announced_to_the_parent_author(alice, bob, charlie):
    run = run_of(alice)
    top = comment_api(charlie, run, "Nice").json()["id"]
    Notification.objects.all().delete()
    comment_api(bob, run, HARD, parent=top)
    assert not Notification.objects.exists()


# --------------------------------------------------------------------------- #
# Pages and partials
# --------------------------------------------------------------------------- #


def test_the_partial_renders_for_a_run_page_include(alice, bob):
    named(bob, "Sam")
    run = run_of(alice)
    add_comment(bob, "First!", run=run)
    request = RequestFactory().get(f"/runs/{run.pk}/")
    request.user = alice
    html = render_to_string(
        "community/_comments.html", {"run": run, "viewer": alice}, request=request
    )
    assert "First!" in html and "@sam" in html and f'id="comments-run-{run.pk}"' in html
    assert f'hx-post="/runs/{run.pk}/comments/"' in html
    cheer = render_to_string("community/_cheer.html", {"run": run, "viewer": bob}, request=request)
    assert f'hx-post="/runs/{run.pk}/cheer/"' in cheer and "0 cheers" in cheer


def test_posting_on_the_page_without_javascript_goes_back_to_the_comments(alice, bob):
    run = run_of(alice)
    response = login(bob).post(f"/runs/{run.pk}/comments/", {"body": "Well run"})
    assert response.status_code == 302 and response["Location"] == f"/runs/{run.pk}/#comments"
    assert Comment.objects.get().body == "Well run"


def test_an_empty_comment_is_a_kind_message_and_keeps_nothing(alice, bob):
    run = run_of(alice)
    response = login(bob).post(f"/runs/{run.pk}/comments/", {"body": "  "}, HTTP_HX_REQUEST="1")
    assert "Please write a comment first." in response.content.decode()
    assert comment_api(bob, run, "").status_code == 400
    assert not Comment.objects.exists()


def test_comment_markdown_is_limited_and_safe(alice, bob):
    run = run_of(alice)
    comment_api(bob, run, "# Big\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))")
    (comment,) = api(alice).get(f"/api/v1/runs/{run.pk}/comments").json()
    assert "<h" not in comment["body_html"].replace("<p>", "")
    assert "<img" not in comment["body_html"] and "href" not in comment["body_html"]


# --------------------------------------------------------------------------- #
# Deleting, limits, suspensions
# --------------------------------------------------------------------------- #


def test_who_may_delete_a_comment(alice, bob, charlie):
    run = run_of(alice)
    first = comment_api(bob, run, "one").json()["id"]
    second = comment_api(bob, run, "two").json()["id"]
    third = comment_api(charlie, run, "three").json()["id"]
    assert api(charlie).delete(f"/api/v1/comments/{first}").status_code == 403
    assert api(bob).delete(f"/api/v1/comments/{first}").status_code == 204  # its author
    assert api(alice).delete(f"/api/v1/comments/{second}").status_code == 204  # the run's owner
    response = login(bob).post(f"/comments/{third}/delete/", HTTP_HX_REQUEST="true")
    assert "Only the person who wrote a comment" in response.content.decode()
    assert list(Comment.objects.values_list("body", flat=True)) == ["three"]


def test_deleting_a_top_comment_takes_its_replies(alice, bob):
    run = run_of(alice)
    top = comment_api(bob, run, "top").json()["id"]
    comment_api(alice, run, "reply", parent=top)
    login(bob).post(f"/comments/{top}/delete/")
    assert not Comment.objects.exists()


def test_a_comment_i_cannot_see_cannot_be_deleted_either(alice, bob):
    run = run_of(alice, "private")
    mine = add_comment(alice, "note to self", run=run)
    assert api(bob).delete(f"/api/v1/comments/{mine.pk}").status_code == 404


def test_commenting_too_fast_is_a_kind_429(alice, bob, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (2, 3600)}
    run = run_of(alice)
    assert comment_api(bob, run, "1").status_code == 201
    assert comment_api(bob, run, "2").status_code == 201
    response = comment_api(bob, run, "3")
    assert response.status_code == 429 and "please wait a little" in response.json()["detail"]
    page = login(bob).post(f"/runs/{run.pk}/comments/", {"body": "4"}, HTTP_HX_REQUEST="1")
    html = page.content.decode()
    assert "please wait a little" in html and ">4</textarea>" in html  # the draft is kept
    assert Comment.objects.count() == 2


def test_a_suspended_person_cannot_comment(alice, bob):
    profile = bob.profile
    profile.suspended_until = timezone.now() + timezone.timedelta(days=1)
    profile.save()
    run = run_of(alice)
    response = comment_api(bob, run, "hi")
    assert response.status_code == 403 and "paused" in response.json()["detail"]
    request = RequestFactory().get("/")
    request.user = bob
    html = render_to_string(
        "community/_comments.html", {"run": run, "viewer": bob}, request=request
    )
    assert "Posting is paused" in html and "<textarea" not in html


def test_comments_from_someone_i_blocked_disappear(alice, bob, charlie):
    run = run_of(alice)
    comment_api(bob, run, "from bob")
    comment_api(charlie, run, "from charlie")
    block(alice, bob)
    assert bodies(alice, run) == ["from charlie"]
    assert comment_counts(alice, runs=[run]) == {run.pk: 1}


@pytest.mark.parametrize("status", [Status.HELD, Status.HIDDEN])
def test_replies_under_an_unseen_comment_stand_on_their_own(alice, bob, charlie, status):
    run = run_of(alice)
    top = add_comment(bob, "top", run=run)
    add_comment(charlie, "reply", run=run, parent_id=top.pk)
    Comment.objects.filter(pk=top.pk).update(status=status)
    assert [item.comment.body for item in thread(alice, run)] == ["reply"]
