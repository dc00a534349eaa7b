"""Safe messaging: posts that mention suicide or self-harm wait for a person to read them.

We follow the spirit of the Samaritans' media guidelines on suicide and self-harm
content: such posts can help others, but only when they contain no method
details and no graphic description, and point to sources of support. A machine
cannot judge that, so anything that *mentions* the subject is held
(``Status.HELD``) until a moderator reads it; nobody else sees it meanwhile, and
the author is shown the crisis page at once.

The list below is deliberately broad (a held post costs a moderator a minute;
a missed one can hurt someone) but written against the words runners use every
day: "killer hill", "I cut my run short", "cutting back my mileage", "the hills
killed me", "overdid it" and "I hurt myself on the trail" are not held. Hyperbole
such as "killing myself on the hill repeats" *is* held, on purpose.

How it matches: the text is lower-cased, curly apostrophes straightened, Markdown
emphasis and extra spaces removed, then each phrase is looked for with word
boundaries. Simple stemming is written into the phrases (``suicid\\w*`` covers
suicide, suicides, suicidal; ``kill(?:s|ed|ing)?`` every form of kill).
"""

from __future__ import annotations

import re

__all__ = ["GUIDANCE", "PHRASES", "needs_review"]

_ME = r"(?:my|him|her|them|your|our)sel(?:f|ves)"
_SOMEONES = r"(?:my|his|her|their|your|our)"

# Each entry: (what it catches, the pattern). Kept as a list so the docs and tests can show it.
PHRASES: tuple[tuple[str, str], ...] = (
    # Drills called "suicides" (shuttle sprints) are a running word: not those.
    ("suicide, suicidal", r"suicid\w*(?!\s+(?:sprints?|drills?|shuttles?))"),
    ("kill myself", rf"kill(?:s|ed|ing)?\s+{_ME}"),
    # Internet euphemisms that avoid filters elsewhere.
    ("unalive, sewer slide", r"unaliv\w*|sewer\s*slide"),
    ("end my life", rf"end(?:s|ed|ing)?\s+{_SOMEONES}\s+(?:own\s+)?lifes?"),
    (
        "take my own life",
        rf"(?:take|takes|took|taking|taken)\s+{_SOMEONES}\s+(?:own\s+)?li(?:fe|ves)(?!\s+back)",
    ),
    ("end it all", r"end(?:s|ed|ing)?\s+it\s+all"),
    ("want to die", r"(?:want(?:s|ed|ing)?\s+to|wanna|wish(?:ed)?\s+i\s+could)\s+die"),
    ("wish I were dead", r"wish(?:ed)?\s+i\s+(?:was|were)\s+(?:dead|gone|never\s+born)"),
    ("better off dead / without me", r"better\s+off\s+(?:dead|without\s+me)"),
    (
        "don't want to be here / alive",
        r"(?:do\s+not|don't|dont)\s+want\s+to\s+"
        r"(?:be\s+here\s+any\s*more|be\s+alive|live\s+any\s*more|exist|wake\s+up|be\s+here)",
    ),
    ("no reason to live", r"(?:no|any)\s+reasons?\s+to\s+(?:live|go\s+on|keep\s+going)"),
    ("reasons to live", r"reasons?\s+(?:to|for)\s+living|reasons?\s+to\s+live"),
    ("nothing to live for", r"nothing\s+(?:left\s+)?to\s+live\s+for"),
    ("not worth living", r"(?:not|isn't|isnt|wasn't)\s+worth\s+living"),
    ("can't go on living", r"(?:can't|cant|cannot)\s+go\s+on\s+living"),
    ("self-harm", r"self[\s-]*(?:harm\w*|injur\w*|mutilat\w*|destruct\w*)"),
    ("harm myself", rf"harm(?:s|ed|ing)?\s+{_ME}"),
    ("cutting myself", rf"cut(?:s|ting)?\s+(?:{_ME}|my\s+(?:wrists?|arms?|thighs?|skin))"),
    ("slit my wrists", r"slit(?:s|ting)?\s+\w+\s+wrists?"),
    # "I burnt myself out" is about training, not self-harm.
    ("burning myself", rf"burn(?:s|ed|t|ing)?\s+{_ME}(?!\s+out)"),
    ("hang myself", rf"hang(?:s|ed|ing)?\s+{_ME}"),
    (
        "throw myself off / in front of",
        rf"(?:throw|throws|threw|throwing)\s+{_ME}\s+(?:off|in\s+front|under)",
    ),
    ("overdose", r"overdos\w*"),
    ("too many pills", r"(?:too\s+many|handful\s+of|bottle\s+of)\s+(?:pills|tablets)"),
    ("poison myself", rf"poison(?:s|ed|ing)?\s+{_ME}"),
    ("starve myself", rf"starv(?:e|es|ed|ing)\s+{_ME}"),
)

_PATTERN = re.compile(
    "|".join(rf"(?:\b{pattern}\b)" for _, pattern in PHRASES), re.IGNORECASE | re.UNICODE
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_MARKUP = re.compile(r"[*_~#>|\[\]]+")

# Shown to moderators next to each held item.
GUIDANCE: tuple[str, ...] = (
    "No method details: nothing about how someone harmed themselves or might, or where.",
    "No graphic description of injuries or of an attempt.",
    "Hope and recovery are welcome: what helped, who helped, how things changed.",
    "Sources of support are included or linked (the “I need help now” page is on every page).",
    "If the writer seems at risk now, hide the post gently and send a kind note with the help page; "
    "this instance is not monitored, so say so honestly.",
)


def _normalise(text: str) -> str:
    text = (text or "").translate(_APOSTROPHES).lower()
    return " ".join(_MARKUP.sub(" ", text).split())


def needs_review(text: str) -> bool:
    """Whether ``text`` mentions suicide or self-harm, so a person should read it first."""
    return _PATTERN.search(_normalise(text)) is not None
