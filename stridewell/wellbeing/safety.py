"""A personal safety plan: written when steadier, read when things get hard.

The sections follow the Safety Planning Intervention of Stanley, B. & Brown, G. K. (2012),
"Safety Planning Intervention: A brief intervention to mitigate suicide risk", Cognitive
and Behavioral Practice 19(2), 256–264, with "what matters to me" (reasons for living)
added as an optional last step.

All the words, and the trusted contact, are kept as one encrypted JSON token made with
the note cipher: the database holds ciphertext only. A plan is only ever read for its
owner; nothing here takes another person's id.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stridewell.wellbeing.models import SafetyPlan
from stridewell.wellbeing.notes import cipher


class Section(NamedTuple):
    key: str
    title: str
    prompt: str
    optional: bool = False


SECTIONS: tuple[Section, ...] = (
    Section(
        "warning_signs",
        "My warning signs",
        "What tells you a hard time might be starting? Thoughts, feelings, moods, "
        "situations, or things you notice yourself doing.",
    ),
    Section(
        "coping_myself",
        "Things I can do on my own",
        "Small things that help, even a little, without anyone else: a walk, music, "
        "a shower, breathing slowly, a run.",
    ),
    Section(
        "people_places",
        "People and places that take my mind off things",
        "Who could you be around, and where could you go, to feel a little less alone "
        "for a while? A friend, a café, a park, a class.",
    ),
    Section(
        "people_to_ask",
        "People I can ask for help",
        "Who could you tell that you are struggling? Names and how to reach them.",
    ),
    Section(
        "professionals",
        "Professionals and services I can contact",
        "Your doctor, a therapist, a crisis line, the nearest emergency department: "
        "names, numbers, and when they are open.",
    ),
    Section(
        "safer_surroundings",
        "Making my surroundings safer",
        "What could you put away, hand to someone, or keep out of reach when things "
        "feel dangerous?",
    ),
    Section(
        "reasons_to_live",
        "What matters to me",
        "People, animals, plans, places or small things that are worth staying for.",
        optional=True,
    ),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)
_TEL_CHARS = re.compile(r"[^0-9+]")


@dataclass(frozen=True)
class PlanContents:
    """The decrypted plan: text per section key, and an optional trusted contact."""

    sections: dict[str, str] = field(default_factory=dict)
    trusted_name: str = ""
    trusted_phone: str = ""

    @property
    def filled(self) -> list[tuple[Section, str]]:
        """The sections that have words in them, in the plan's order."""
        return [(s, self.sections[s.key]) for s in SECTIONS if self.sections.get(s.key)]

    @property
    def tel(self) -> str:
        """The trusted phone number as a ``tel:`` link target (digits and +)."""
        return _TEL_CHARS.sub("", self.trusted_phone)

    @property
    def is_empty(self) -> bool:
        return not (self.filled or self.trusted_name or self.trusted_phone)


def plan_for(user: Any) -> SafetyPlan | None:
    """The user's own plan, or None when they have not written one."""
    return SafetyPlan.objects.filter(user_id=user.pk).first()


def contents_of(plan: SafetyPlan) -> PlanContents:
    """Decrypt a plan. Raises NoteDecryptError if its key is gone."""
    if not plan.content_ciphertext:
        return PlanContents()
    data = json.loads(cipher().decrypt(plan.content_ciphertext))
    return PlanContents(
        sections={key: str(data["sections"].get(key, "")) for key in SECTION_KEYS},
        trusted_name=str(data.get("trusted_name", "")),
        trusted_phone=str(data.get("trusted_phone", "")),
    )


def load(user: Any) -> PlanContents | None:
    """The user's decrypted plan, or None when there is none or it is empty."""
    plan = plan_for(user)
    contents = contents_of(plan) if plan else None
    return None if contents is None or contents.is_empty else contents


def save_plan(
    user: Any, sections: dict[str, str], trusted_name: str = "", trusted_phone: str = ""
) -> SafetyPlan | None:
    """Encrypt and store the plan; saving it with nothing in it removes it."""
    contents = PlanContents(
        sections={key: (sections.get(key) or "").strip() for key in SECTION_KEYS},
        trusted_name=trusted_name.strip(),
        trusted_phone=trusted_phone.strip(),
    )
    if contents.is_empty:
        SafetyPlan.objects.filter(user_id=user.pk).delete()
        return None
    plan, _ = SafetyPlan.objects.get_or_create(user_id=user.pk)
    plan.content_ciphertext = cipher().encrypt(json.dumps(_as_json(contents)))
    plan.save()
    return plan


def plan_as_dict(plan: SafetyPlan) -> dict[str, Any]:
    """The decrypted plan as plain data, for the owner's own export."""
    return {"updated_at": plan.updated_at.isoformat(), **_as_json(contents_of(plan))}


def _as_json(contents: PlanContents) -> dict[str, Any]:
    return {
        "sections": dict(contents.sections),
        "trusted_name": contents.trusted_name,
        "trusted_phone": contents.trusted_phone,
    }


def add_safety_plan(archive: zipfile.ZipFile, user: Any) -> int:
    """The export's ``safety_plan.json`` (decrypted: it is the owner's own copy)."""
    plan = plan_for(user)
    if plan is None:
        return 0
    archive.writestr(
        "safety_plan.json", json.dumps(plan_as_dict(plan), indent=2, ensure_ascii=False)
    )
    return 1


def restore_safety_plan(user: Any, data: bytes) -> bool:
    """Bring a plan back from an export; answers whether anything changed (importing twice changes nothing)."""
    saved = json.loads(data.decode("utf-8"))
    sections = {key: str(value) for key, value in dict(saved.get("sections", {})).items()}
    name, phone = str(saved.get("trusted_name", "")), str(saved.get("trusted_phone", ""))
    current = plan_for(user)
    if current is not None and _as_json(contents_of(current)) == _as_json(
        PlanContents(
            sections={k: sections.get(k, "") for k in SECTION_KEYS},
            trusted_name=name,
            trusted_phone=phone,
        )
    ):
        return False
    save_plan(user, sections, name, phone)
    return True
