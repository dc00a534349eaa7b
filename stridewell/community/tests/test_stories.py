"""Stories: writing, who reads them, held posts, anonymity, content notes, tags, paging,
rate limits and suspensions — on the pages and through /api/v1 alike."""

import json
import zipfile
from io import BytesIO

import pytest
from django.utils import timezone

from conftest import make_user
from stridewell.community.export_stories import add_stories
from stridewell.community.models import Cheer, Comment, Report, Status, Story
from stridewell.community.posting import PostingError, Suspended
from stridewell.community.ratelimit import RateLimited
from stridewell.community.stories import (
    StoryInput,
    by_author,
    create_story,
    edit_story,
    list_stories,
)
from stridewell.community.tests.story_fixtures import (
    api,
    block,
    buddies,
    group_of,
    login,
    named,
)


@pytest.fixture
def charlie(db):
    """A third person, a stranger to Alice unless a test says otherwise."""
    return make_user("charlie@example.org")


SAFE = "Running got me out of the house again. Week by week it got easier."
HARD = "Two years ago I wanted to end my life. Walking with the group helped."


def story(author, visibility="public", body=SAFE, **extra):
    return create_story(
        author, StoryInput(title="Why I run", body=body, visibility=visibility, **extra)
    )


def sees(user, story_obj):
    """Whether ``user`` sees the story on its page, through the API, and in both lists."""
    page = login(user).get(f"/stories/{story_obj.pk}/").status_code == 200
    obj = api(user).get(f"/api/v1/stories/{story_obj.pk}").status_code == 200
    in_list = story_obj.title in login(user).get("/stories/").content.decode()
    ids = [s["id"] for s in api(user).get("/api/v1/stories").json()["items"]]
    in_api_list = story_obj.pk in ids
    assert page == obj == in_list == in_api_list, (page, obj, in_list, in_api_list)
    return page


# --------------------------------------------------------------------------- #
# Writing and reading
# --------------------------------------------------------------------------- #


def test_write_a_story_on_the_page_and_read_it(alice):
    client = login(alice)
    assert client.get("/stories/new/").status_code == 200
    response = client.post(
        "/stories/new/",
        {"title": "Couch to 5k", "body": "It **changed** my year.", "visibility": "public"},
    )
    made = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stories/{made.pk}/"
    assert made.status == Status.PUBLISHED and made.author == alice
    page = client.get(response["Location"]).content.decode()
    assert "<strong>changed</strong>" in page and "Your story is saved" in page


def test_empty_list_guides_the_next_step(alice):
    page = login(alice).get("/stories/").content.decode()
    assert "No stories here yet" in page and 'href="/stories/new/"' in page


def test_visitors_are_sent_to_sign_in_unless_public_pages_are_on(alice, client, settings):
    made = story(alice)
    assert client.get("/stories/").status_code == 302
    assert client.get(f"/stories/{made.pk}/").status_code == 302
    settings.PUBLIC_PAGES = True
    assert made.title in client.get("/stories/").content.decode()
    assert client.get(f"/stories/{made.pk}/").status_code == 200
    private = story(alice, "private")
    assert client.get(f"/stories/{private.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("visibility", "buddy", "member", "stranger"),
    [
        ("private", False, False, False),
        ("buddies", True, False, False),
        ("groups", False, True, False),
        ("public", True, True, True),
    ],
)
def test_who_sees_a_story(alice, bob, charlie, visibility, buddy, member, stranger):
    dana = make_user("dana@example.org")
    buddies(alice, bob)
    group_of(alice, dana)
    made = story(alice, visibility)
    assert sees(alice, made)
    assert sees(bob, made) is buddy
    assert sees(dana, made) is member
    assert sees(charlie, made) is stranger


def test_groups_visibility_with_picks_reaches_only_the_picked_group(alice, bob, charlie):
    harbour = group_of(alice, bob, name="Harbour Runners")
    group_of(alice, charlie, name="Park Walkers")
    made = story(alice, "groups", group_ids=[harbour.pk])
    assert sees(bob, made) and not sees(charlie, made)


def test_a_story_can_only_go_to_groups_i_am_in(alice, bob):
    theirs = group_of(bob)
    with pytest.raises(PostingError, match="only with groups you are in"):
        story(alice, "groups", group_ids=[theirs.pk])
    response = api(alice).post(
        "/api/v1/stories",
        {"title": "t", "body": "b", "visibility": "groups", "group_ids": [theirs.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "groups you are in" in response.json()["detail"]


def test_blocks_hide_stories_both_ways(alice, bob):
    made = story(alice)
    block(alice, bob)
    assert not sees(bob, made)


# --------------------------------------------------------------------------- #
# Held for a moderator
# --------------------------------------------------------------------------- #


def test_a_story_about_self_harm_is_held_and_the_author_sees_the_help_link_at_once(alice, bob):
    buddies(alice, bob)
    client = login(alice)
    response = client.post(
        "/stories/new/",
        {"title": "Coming back", "body": HARD, "visibility": "buddies"},
        follow=True,
    )
    made = Story.objects.get()
    assert made.status == Status.HELD
    page = response.content.decode()
    assert 'href="/help/"' in page and "a person will read it soon" in page
    assert "Your story is saved" not in page
    assert not sees(bob, made)
    # Counted nowhere for anyone else either, and its comments are as hidden as it is.
    assert api(bob).get("/api/v1/stories").json()["count"] == 0
    assert api(bob).get(f"/api/v1/stories/{made.pk}/comments").status_code == 404
    assert api(bob).post(f"/api/v1/stories/{made.pk}/cheers").status_code == 404
    assert sees(alice, made)


def test_the_api_tells_the_author_what_happens_next(alice):
    body = api(alice).post(
        "/api/v1/stories",
        {"title": "Hard year", "body": HARD, "visibility": "public"},
        content_type="application/json",
    )
    assert body.status_code == 201
    data = body.json()
    assert data["status"] == "held" and "/help/" in data["notice"]


def test_editing_a_published_story_checks_it_again(alice, bob):
    made = story(alice)
    edit_story(alice, made, StoryInput(title=made.title, body=HARD, visibility="public"))
    made.refresh_from_db()
    assert made.status == Status.HELD and not sees(bob, made)


def test_editing_never_releases_a_held_or_hidden_story(alice, bob):
    held = story(alice, body=HARD)
    edit_story(alice, held, StoryInput(title="Fine now", body=SAFE, visibility="public"))
    held.refresh_from_db()
    assert held.status == Status.HELD
    hidden = story(alice)
    Story.objects.filter(pk=hidden.pk).update(status=Status.HIDDEN)
    hidden.refresh_from_db()
    edit_story(alice, hidden, StoryInput(title="Again", body=SAFE, visibility="public"))
    hidden.refresh_from_db()
    assert hidden.status == Status.HIDDEN and not sees(bob, hidden)


def test_the_title_and_content_note_are_checked_too(alice):
    assert story(alice, body=SAFE, content_warning="suicide").status == Status.HELD


# --------------------------------------------------------------------------- #
# Anonymous stories
# --------------------------------------------------------------------------- #


def test_anonymous_stories_never_reveal_the_author_to_others(alice, bob):
    named(alice, "Sam")
    made = story(alice, anonymous=True)
    for path in ("/stories/", f"/stories/{made.pk}/"):
        page = login(bob).get(path).content.decode()
        assert "Anonymous" in page
        assert "Sam" not in page and "@sam" not in page and "alice@" not in page
    data = api(bob).get(f"/api/v1/stories/{made.pk}").json()
    assert data["author"] == {"display_name": "Anonymous", "handle": None}
    assert data["is_mine"] is False
    listed = api(bob).get("/api/v1/stories").json()["items"][0]
    assert listed["author"]["handle"] is None
    assert "sam" not in json.dumps(listed).lower()


def test_the_author_and_site_moderators_see_who_wrote_it(alice, bob):
    named(alice, "Sam")
    made = story(alice, anonymous=True)
    assert "@sam" in login(alice).get(f"/stories/{made.pk}/").content.decode()
    assert api(alice).get(f"/api/v1/stories/{made.pk}").json()["author"]["handle"] == "sam"
    bob.is_staff = True
    bob.save()
    assert api(bob).get(f"/api/v1/stories/{made.pk}").json()["author"]["handle"] == "sam"


def test_a_profile_list_of_stories_leaves_out_the_anonymous_ones(alice, bob):
    story(alice, anonymous=True)
    signed = story(alice)
    assert list(by_author(bob, alice)) == [signed]
    assert len(by_author(alice, alice)) == 2


def test_the_author_commenting_on_their_anonymous_story_stays_anonymous(alice, bob):
    named(alice, "Sam")
    named(bob, "Jo")
    made = story(alice, anonymous=True)
    login(bob).post(f"/stories/{made.pk}/comments/", {"body": "This helped me."})
    top = Comment.objects.get()
    login(alice).post(
        f"/stories/{made.pk}/comments/", {"body": "Thank you, truly.", "parent": top.pk}
    )
    page = login(bob).get(f"/stories/{made.pk}/").content.decode()
    assert "Thank you, truly." in page and "Sam" not in page and "@sam" not in page
    comments = api(bob).get(f"/api/v1/stories/{made.pk}/comments").json()
    assert [c["author"]["display_name"] for c in comments] == ["Jo", "Anonymous"]
    # Bob is told about the reply without the author's name, and with no actor to follow.
    note = bob.notifications.get()
    assert note.text.startswith("Anonymous replied") and note.actor is None


# --------------------------------------------------------------------------- #
# Content notes, tags, paging
# --------------------------------------------------------------------------- #


def test_a_content_note_comes_first_and_the_story_stays_closed(alice, bob):
    made = story(alice, content_warning="mentions grief", body="My dad and I ran together.")
    page = login(bob).get(f"/stories/{made.pk}/").content.decode()
    details = page.index('<details class="content-warning">')
    assert details < page.index("mentions grief") < page.index("My dad and I ran")
    assert '<details class="content-warning" open' not in page
    listing = login(bob).get("/stories/").content.decode()
    assert "mentions grief" in listing and "My dad and I ran" not in listing


def test_tags_are_tidied_and_filter_the_list(alice, bob):
    parkrun = story(alice, tags="Parkrun, first 5K, parkrun")
    story(alice, tags=["anxiety"])
    assert parkrun.tags == ["parkrun", "first-5k"]
    assert list(list_stories(bob, "parkrun")) == [parkrun]
    assert list(list_stories(bob, "park")) == []
    page = login(bob).get("/stories/?tag=first-5k").content.decode()
    assert page.count('class="story-card"') == 1
    assert api(bob).get("/api/v1/stories?tag=anxiety").json()["count"] == 1


def test_too_many_tags_is_a_kind_no(alice):
    with pytest.raises(PostingError, match="Up to 8 tags"):
        story(alice, tags=[f"t{i}" for i in range(9)])


def test_the_list_is_newest_first_with_pages(alice, bob, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "story": (100, 3600)}
    for n in range(23):
        create_story(alice, StoryInput(title=f"Story {n:02}", body=SAFE, visibility="public"))
    first = login(bob).get("/stories/").content.decode()
    assert first.index("Story 22") < first.index("Story 21")
    assert "Story 02" not in first and "Page 1 of 2" in first
    second = login(bob).get("/stories/?page=2").content.decode()
    assert "Story 02" in second and "Story 22" not in second
    body = api(bob).get("/api/v1/stories?limit=5&offset=5").json()
    assert body["count"] == 23 and body["items"][0]["title"] == "Story 17"


# --------------------------------------------------------------------------- #
# Editing, deleting, limits, suspensions
# --------------------------------------------------------------------------- #


def test_only_the_author_edits_or_deletes(alice, bob):
    made = story(alice)
    assert login(bob).get(f"/stories/{made.pk}/edit/").status_code == 404
    assert login(bob).post(f"/stories/{made.pk}/delete/").status_code == 404
    patch = api(bob).patch(
        f"/api/v1/stories/{made.pk}", {"title": "mine now"}, content_type="application/json"
    )
    assert patch.status_code == 404
    assert api(bob).delete(f"/api/v1/stories/{made.pk}").status_code == 404
    assert Story.objects.get().title == "Why I run"
    response = api(alice).patch(
        f"/api/v1/stories/{made.pk}", {"title": "Why I walk"}, content_type="application/json"
    )
    assert response.json()["title"] == "Why I walk" and response.json()["body"] == SAFE
    assert login(alice).get(f"/stories/{made.pk}/edit/").status_code == 200
    login(alice).post(f"/stories/{made.pk}/delete/")
    assert not Story.objects.exists()


def test_posting_too_fast_gets_a_kind_message(alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "story": (1, 3600)}
    story(alice)
    with pytest.raises(RateLimited):
        story(alice)
    page = login(alice).post(
        "/stories/new/", {"title": "Again", "body": SAFE, "visibility": "public"}
    )
    assert page.status_code == 200 and "please wait a little" in page.content.decode()
    response = api(alice).post(
        "/api/v1/stories", {"title": "t", "body": "b"}, content_type="application/json"
    )
    assert response.status_code == 429 and "please wait" in response.json()["detail"]
    assert Story.objects.count() == 1


def test_a_suspended_person_cannot_post_and_is_told_why(alice):
    profile = alice.profile
    profile.suspended_until = timezone.now() + timezone.timedelta(days=3)
    profile.save()
    with pytest.raises(Suspended):
        story(alice)
    page = login(alice).post("/stories/new/", {"title": "t", "body": SAFE, "visibility": "public"})
    assert "Posting is paused for your account" in page.content.decode()
    response = api(alice).post(
        "/api/v1/stories", {"title": "t", "body": "b"}, content_type="application/json"
    )
    assert response.status_code == 403 and "paused" in response.json()["detail"]
    assert not Story.objects.exists()


def test_markdown_in_a_story_is_sanitised_on_the_page(alice, bob):
    made = story(alice, body="Hi <script>alert('x')</script> [a](javascript:alert(1))")
    page = login(bob).get(f"/stories/{made.pk}/").content.decode()
    assert "<script>alert" not in page and 'href="javascript' not in page


def test_emails_never_appear_to_others(alice, bob):
    made = story(alice)
    login(bob).post(f"/stories/{made.pk}/comments/", {"body": "Lovely."})
    for text in (
        login(bob).get("/stories/").content.decode(),
        login(bob).get(f"/stories/{made.pk}/").content.decode(),
        api(bob).get(f"/api/v1/stories/{made.pk}").content.decode(),
        api(bob).get(f"/api/v1/stories/{made.pk}/comments").content.decode(),
        login(alice).get(f"/stories/{made.pk}/").content.decode(),
    ):
        assert "@example.org" not in text


# --------------------------------------------------------------------------- #
# Export
# --------------------------------------------------------------------------- #


def test_the_export_holds_my_stories_comments_cheers_and_reports_only(alice, bob):
    mine = story(alice, body=HARD, anonymous=True)
    theirs = story(bob)
    Comment.objects.create(author=alice, story=theirs, body="Well done")
    Comment.objects.create(author=bob, story=mine, body="Bob's words")
    Cheer.objects.create(user=alice, story=theirs)
    Cheer.objects.create(user=bob, story=mine)
    Report.objects.create(reporter=alice, story=theirs, reason="spam")
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        assert add_stories(archive, alice) == 4
    data = json.loads(zipfile.ZipFile(buffer).read("stories.json"))
    assert [s["body"] for s in data["stories"]] == [HARD]
    assert data["stories"][0]["status"] == "held" and data["stories"][0]["anonymous"]
    assert [c["body"] for c in data["comments"]] == ["Well done"]
    assert data["cheers"] == [{"run_id": None, "story_id": theirs.pk, "created_at": ANY}]
    assert data["reports"][0]["reason"] == "spam"
    assert "Bob's words" not in json.dumps(data)


class _Any:
    def __eq__(self, other):
        return True


ANY = _Any()


def test_the_whole_account_export_has_the_stories_section(alice):
    from stridewell.accounts.export import write_export

    story(alice)
    buffer = BytesIO()
    write_export(alice, buffer)
    assert "stories.json" in zipfile.ZipFile(buffer).namelist()


def test_every_endpoint_is_in_the_api_description(alice):
    paths = login(alice).get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/stories/{story_id}/comments",
        "/api/v1/runs/{run_id}/comments",
        "/api/v1/comments/{comment_id}",
        "/api/v1/runs/{run_id}/cheers",
        "/api/v1/stories/{story_id}/cheers",
        "/api/v1/reports",
        "/api/v1/moderation/queue",
        "/api/v1/moderation/actions",
    ):
        assert path in paths, path
