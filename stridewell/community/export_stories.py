"""The account-export section for stories, comments, cheers and reports: only the person's own.

Comments are exported without the thread around them, and cheers and reports
name what they were on by id only: other people's words are theirs to export.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

from stridewell.community.models import Cheer, Comment, Report, Story


def _story(story: Story) -> dict[str, Any]:
    return {
        "id": story.pk,
        "title": story.title,
        "body": story.body,
        "anonymous": story.anonymous,
        "content_warning": story.content_warning,
        "tags": list(story.tags),
        "visibility": story.visibility,
        "group_ids": [group.pk for group in story.groups.all()],
        "status": story.status,
        "created_at": story.created_at.isoformat(),
        "updated_at": story.updated_at.isoformat(),
    }


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "run_id": comment.run_id,
        "story_id": comment.story_id,
        "parent_id": comment.parent_id,
        "body": comment.body,
        "status": comment.status,
        "created_at": comment.created_at.isoformat(),
    }


def _report(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "story_id": report.story_id,
        "comment_id": report.comment_id,
        "user_id": report.user_id,
        "reason": report.reason,
        "state": report.state,
        "created_at": report.created_at.isoformat(),
    }


def add_stories(archive: zipfile.ZipFile, user: Any) -> int:
    """Write ``stories.json``; answers how many rows it holds."""
    mine = {
        "stories": [
            _story(s)
            for s in Story.objects.filter(author_id=user.pk)
            .prefetch_related("groups")
            .order_by("created_at")
        ],
        "comments": [
            _comment(c) for c in Comment.objects.filter(author_id=user.pk).order_by("created_at")
        ],
        "cheers": [
            {"run_id": c.run_id, "story_id": c.story_id, "created_at": c.created_at.isoformat()}
            for c in Cheer.objects.filter(user_id=user.pk).order_by("created_at")
        ],
        "reports": [
            _report(r) for r in Report.objects.filter(reporter_id=user.pk).order_by("created_at")
        ],
    }
    archive.writestr("stories.json", json.dumps(mine, indent=2, ensure_ascii=False))
    return sum(len(rows) for rows in mine.values())
