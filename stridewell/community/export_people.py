"""My part of the export: my handle and sharing choices, my buddies, my blocks and my
notifications. Other people appear by handle and display name, never by email address."""

from __future__ import annotations

import json
import zipfile
from typing import Any

from stridewell.accounts.models import Profile
from stridewell.community import blocks, buddies, notifications
from stridewell.community.models import BuddyInvite
from stridewell.community.people import card


def _person(user: Any) -> dict[str, str]:
    return card(user, user.profile).as_dict()


def add_people(archive: zipfile.ZipFile, user: Any) -> int:
    profile = Profile.objects.for_user(user)
    data = {
        "handle": profile.handle,
        "display_name": profile.display_name,
        "hide_numbers_from_others": profile.hide_numbers_from_others,
        "tell_buddies_after_days": profile.tell_buddies_after_days,
        "notifications_off": profile.notifications_off or [],
        "email_digest": profile.email_digest,
        "invite_codes": list(
            BuddyInvite.objects.filter(user_id=user.pk).values_list("code", flat=True)
        ),
        "buddies": [
            {**_person(pair.other(user)), "since": pair.accepted_at.isoformat()}
            for pair in buddies.buddies_of(user)
            if pair.accepted_at
        ],
        "requests_sent": [
            {**_person(p.addressee), "asked": p.created_at.isoformat()}
            for p in buddies.outgoing(user)
        ],
        "requests_received": [
            {**_person(p.requester), "asked": p.created_at.isoformat()}
            for p in buddies.incoming(user)
        ],
        "blocked": [
            {**_person(b.blocked), "since": b.created_at.isoformat()}
            for b in blocks.blocks_by(user)
        ],
        "notifications": [
            {
                "kind": n.kind,
                "text": n.text,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in notifications.for_user(user)
        ],
    }
    archive.writestr("people.json", json.dumps(data, indent=2, ensure_ascii=False))
    return 1
