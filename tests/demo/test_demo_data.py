"""The demo company's data: what people read in it must be true of what they are shown."""

import re

import pytest

from demo import data as demo

NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
# "Two questions", "3 short questions": a number, at most one word, then "question(s)".
STATED_COUNT = re.compile(rf"\b(\d+|{'|'.join(NUMBERS)})\s+(?:\w+\s+)?questions?\b", re.IGNORECASE)


def question_lists_shown_with(spec: dict) -> list[list[dict]]:
    """Every list of questions a survey's intro appears above, version by version."""
    shown = [spec["questions"]]
    if spec["key"] == "it":
        # seed_demo edits only IT's questions for version 2: the intro is carried over.
        shown.append(demo.IT_SURVEY_V2_QUESTIONS)
    return shown


@pytest.mark.parametrize("spec", demo.SURVEYS, ids=lambda spec: spec["key"])
def test_surveys_intro_states_the_number_of_questions_shown(spec):
    stated = [
        int(word) if word.isdigit() else NUMBERS[word.lower()]
        for word in STATED_COUNT.findall(spec["intro"])
    ]
    for questions in question_lists_shown_with(spec):
        assert all(count == len(questions) for count in stated), (
            f"{spec['intro']!r} above {len(questions)} questions"
        )


def test_stated_count_pattern_reads_numbers_in_words_and_digits():
    assert STATED_COUNT.findall("Two questions, and a comment.") == ["Two"]
    assert STATED_COUNT.findall("3 short questions.") == ["3"]
    assert STATED_COUNT.findall("A few quick questions, and a comment.") == []
