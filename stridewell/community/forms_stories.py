"""The story form: what the page asks; the checking itself is in stories.py (shared with the API)."""

from __future__ import annotations

from typing import Any

from django import forms

from stridewell.community.models import Group
from stridewell.community.stories import MAX_BODY, MAX_TITLE, MAX_WARNING, StoryInput
from stridewell.runs.models import Visibility

WHO_CAN_READ = [
    (Visibility.PRIVATE, "Only me — a private journal entry"),
    (Visibility.BUDDIES, "My buddies"),
    (Visibility.GROUPS, "My groups (pick some below, or none for all of them)"),
    (Visibility.PUBLIC, "Everyone on this instance"),
]


class StoryForm(forms.Form):
    title = forms.CharField(max_length=MAX_TITLE)
    body = forms.CharField(
        label="Your story",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="A little Markdown works: **bold**, *italic*, # headings, lists, > quotes, links.",
    )
    content_warning = forms.CharField(
        label="Content note (optional)",
        max_length=MAX_WARNING,
        required=False,
        help_text="For example “mentions grief” or “eating disorders”. Readers see this first "
        "and choose whether to open the story.",
    )
    tags = forms.CharField(
        required=False,
        help_text="Separated by commas, e.g. parkrun, anxiety, first 5k.",
    )
    anonymous = forms.BooleanField(
        label="Post anonymously",
        required=False,
        help_text="Other people see “Anonymous” instead of your name. The site's moderators "
        "can still see that you wrote it.",
    )
    visibility = forms.ChoiceField(
        label="Who can read it", choices=WHO_CAN_READ, widget=forms.RadioSelect
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"visibility": Visibility.PRIVATE})
        super().__init__(*args, **kwargs)
        mine = Group.objects.filter(memberships__user_id=user.pk).order_by("name")
        self.fields["groups"].queryset = mine  # type: ignore[attr-defined]
        if not mine.exists():
            del self.fields["groups"]
            choices = [
                (v, "My groups" if v == Visibility.GROUPS else label) for v, label in WHO_CAN_READ
            ]
            self.fields["visibility"].choices = choices  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, data: StoryInput) -> dict[str, Any]:
        return {
            "title": data.title,
            "body": data.body,
            "content_warning": data.content_warning,
            "tags": ", ".join(data.tags),
            "anonymous": data.anonymous,
            "visibility": data.visibility,
            "groups": list(data.group_ids),
        }

    def to_input(self) -> StoryInput:
        data = self.cleaned_data
        return StoryInput(
            title=data["title"],
            body=data["body"],
            anonymous=data["anonymous"],
            content_warning=data["content_warning"],
            tags=data["tags"],
            visibility=data["visibility"],
            group_ids=[group.pk for group in data.get("groups") or []],
        )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What worries you about it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A moderator reads this. The person is not told who reported them.",
    )
