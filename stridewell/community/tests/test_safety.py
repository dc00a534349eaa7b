"""Safe messaging: what is held for a person to read, and the everyday running words that are not."""

import pytest

from stridewell.community.safety import GUIDANCE, PHRASES, needs_review


@pytest.mark.parametrize(
    "text",
    [
        "Last winter I wanted to kill myself.",
        "Thoughts of suicide followed me for years",
        "I was suicidal before I started walking",
        "I've been self-harming since school",
        "Self harm was how I coped",
        "self-injury",
        "I don't want to be here anymore",
        "I don’t want to be here",  # a curly apostrophe
        "i dont want to be here",
        "I do not want to be alive",
        "I tried to end my life in 2019",
        "thinking about ending it all",
        "he took his own life",
        "I started cutting myself at fifteen",
        "I took an overdose",
        "She overdosed",
        "took a handful of pills",
        "I want to die",
        "I wish I was dead",
        "everyone would be better off without me",
        "I have nothing to live for",
        "running gave me a reason to live",  # on purpose: a person reads it first
        "KILL   MYSELF",
        "kill *myself*",
        "I could unalive myself",
        "killing myself on these hill repeats",  # hyperbole is held too, on purpose
    ],
)
def test_mentions_of_suicide_and_self_harm_are_held(text):
    assert needs_review(text)


@pytest.mark.parametrize(
    "text",
    [
        "What a killer hill!",
        "I cut my run short",
        "I'm cutting back my mileage this week",
        "the hills killed me",
        "I overdid it on Sunday",
        "I hurt myself on the trail",
        "I burnt myself out last spring",
        "running helped me take my life back",
        "suicide sprints on the track are brutal",
        "the last few kms were hard",
        "did 10 kms today",
        "I didn't want to be here at 6am, but I'm glad I came",
        "these cutting-edge shoes",
        "I was dying for a coffee",
        "dead legs after the long run",
        "I killed it today",
        "a selfie at the finish",
        "I cut my toenails before the race",
        "",
    ],
)
def test_everyday_running_words_are_not_held(text):
    assert not needs_review(text)


def test_the_word_list_and_the_guidance_are_documented():
    assert len(PHRASES) >= 20
    assert all(label and pattern for label, pattern in PHRASES)
    assert any("method" in line.lower() for line in GUIDANCE)
    assert any("support" in line.lower() for line in GUIDANCE)
