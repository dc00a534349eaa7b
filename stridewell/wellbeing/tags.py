"""A person's own tags: renamed, and merged when renamed onto a tag that exists."""

from __future__ import annotations

from django.db import transaction

from stridewell.wellbeing.models import Tag


def rename(tag: Tag, new_name: str) -> Tag:
    """Rename ``tag``; if the user already has ``new_name``, move its check-ins there and drop it."""
    name = new_name.strip().lower()[:40]
    if not name:
        raise ValueError("A tag needs a name.")
    if name == tag.name:
        return tag
    target = Tag.objects.filter(user_id=tag.user_id, name=name).first()
    if target is None:
        tag.name = name
        tag.save(update_fields=["name"])
        return tag
    with transaction.atomic():
        target.checkins.add(*tag.checkins.all())
        tag.delete()
    return target
