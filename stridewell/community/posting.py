"""What stories, comments, cheers and reports share: who may post, and how authors are named.

An author is shown by display name and @handle, never by email address. An
anonymous story shows "Anonymous" to everyone but its author and the site
moderators, and so do the author's own comments on that story (a reply signed
with their name under their anonymous story would give them away).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import formats

from stridewell.accounts.models import Profile
from stridewell.community.models import Comment, Story

__all__ = [
    "ANONYMOUS",
    "HELD_MESSAGE",
    "Byline",
    "PostingError",
    "Suspended",
    "comment_byline",
    "ensure_can_post",
    "person",
    "story_byline",
    "suspension_message",
]

ANONYMOUS = "Anonymous"

# Shown to the author the moment something they wrote is held (page and API).
HELD_MESSAGE = (
    "Thank you for sharing this. Because it mentions suicide or self-harm, a person will "
    "read it soon, before anyone else can see it. If things feel hard right now, you don't "
    "have to wait: help is available now at /help/."
)


class PostingError(ValueError):
    """Something about a post the person can fix; the message says what, kindly."""


class Suspended(PostingError):
    """A moderator paused this person's posting for a while."""


def _profile(user: Any) -> Profile:
    # ``user.profile`` is usually loaded already (select_related); make one if it never was.
    try:
        profile: Profile = user.profile
    except Profile.DoesNotExist:
        profile = Profile.objects.for_user(user)
    return profile


def suspension_message(user: Any) -> str:
    """The kind explanation a suspended person sees; empty when they may post."""
    if user is None or not user.is_authenticated:
        return ""
    profile = _profile(user)
    if not profile.suspended or profile.suspended_until is None:
        return ""
    until = formats.date_format(profile.suspended_until, "j F Y")
    return (
        f"Posting is paused for your account until {until}, after a moderator's decision. "
        "You can still read, log your runs and use everything that is only yours. "
        "If you think this is a mistake, please contact the people who run this instance."
    )


def ensure_can_post(user: Any) -> None:
    """Raise :class:`Suspended`, with a kind explanation, while the person's posting is paused."""
    message = suspension_message(user)
    if message:
        raise Suspended(message)


@dataclass(frozen=True)
class Byline:
    name: str
    handle: str = ""

    @property
    def anonymous(self) -> bool:
        return not self.handle

    @property
    def url(self) -> str:
        return f"/people/{self.handle}/" if self.handle else ""

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})" if self.handle else self.name

    def as_dict(self) -> dict[str, Any]:
        return {"display_name": self.name, "handle": self.handle or None}


def person(user: Any) -> Byline:
    profile = _profile(user)
    return Byline(profile.name, profile.handle or "")


def sees_real_author(viewer: Any, story: Story) -> bool:
    """The author and the site moderators know who wrote an anonymous story."""
    signed_in = viewer is not None and viewer.is_authenticated
    return signed_in and (viewer.pk == story.author_id or viewer.is_staff)


def story_byline(viewer: Any, story: Story) -> Byline:
    if story.anonymous and not sees_real_author(viewer, story):
        return Byline(ANONYMOUS)
    return person(story.author)


def comment_byline(viewer: Any, comment: Comment) -> Byline:
    story = comment.story
    if (
        story is not None
        and story.anonymous
        and comment.author_id == story.author_id
        and not sees_real_author(viewer, story)
    ):
        return Byline(ANONYMOUS)
    return person(comment.author)


def clean_text(value: str, *, what: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise PostingError(f"Please write a {what} first.")
    if len(text) > max_length:
        raise PostingError(
            f"That {what} is a little long: {len(text)} characters, {max_length} at most."
        )
    return text
