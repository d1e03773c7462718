"""What requesters think of their resolved requests, and how that reads as survey answers."""

import random

from demo import data as demo
from surveys.models import Question

Kind = Question.Kind
# (question, number, text) as response_submit stores one answer.
AnswerRow = tuple[Question, int | None, str]


class Deck:
    """Draws that follow their weights closely even over a few dozen: cards, reshuffled.

    Independent draws would make a department of 40 answers look very different from
    one demo day to the next.
    """

    def __init__(self, rng: random.Random, values, weights, size: int = 20):
        exact = [w * size / sum(weights) for w in weights]
        counts = [int(e) for e in exact]
        by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
        for i in by_remainder[: size - sum(counts)]:
            counts[i] += 1
        self.cards = [v for v, n in zip(values, counts, strict=True) for _ in range(n)]
        self.rng = rng
        self.pile: list = []

    def draw(self):
        if not self.pile:
            self.pile = self.rng.sample(self.cards, len(self.cards))
        return self.pile.pop()


class Opinions:
    """Each requester's view of a resolved request, with department-specific scores."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.csat_decks = {
            prefix: Deck(rng, range(1, 6), weights) for prefix, weights in demo.CSAT_WEIGHTS.items()
        }
        self.nps_decks = {
            csat: Deck(rng, range(11), weights) for csat, weights in demo.NPS_WEIGHTS.items()
        }

    def opinion(self, ticket: dict) -> dict:
        """Everything one person would answer, whatever the survey's questions are."""
        rng = self.rng
        prefix = ticket["department__prefix"]
        resolved, due = ticket["resolved_at"], ticket["due_at"]
        reopened = ticket["reopen_count"] > 0
        csat = self.csat_decks[prefix].draw()
        # SLAs count every hour, weekends too, so a few hours late is common and mostly
        # forgiven; days late are not.
        late_hours = (resolved - due).total_seconds() / 3600 if due else 0
        penalty = (
            0.6 if late_hours > 72 else 0.3 if late_hours > 24 else 0.1 if late_hours > 0 else 0
        )
        if rng.random() < penalty:
            csat -= 1
        if reopened and rng.random() < 0.7:
            csat -= 1
        csat = max(1, csat)
        # A reopened request was by definition not solved the first time.
        solved = rng.random() < (0.15 if reopened else 0.94 if csat >= 3 else 0.55)
        if csat >= 4:
            took = resolved - ticket["created_at"]
            quick = due is not None and took < (due - ticket["created_at"]) / 2
            weights = (45 if quick else 30, 22, 28, 15)
        else:
            weights = (30, 5, 30, 35)
        tone = "bad" if csat <= 2 else ("ok" if csat == 3 else "good")
        wants_comment = rng.random() < {"bad": 0.65, "ok": 0.45, "good": 0.36}[tone]
        return {
            "csat": csat,
            "csat_also": csat if rng.random() < 0.92 else None,
            "nps": self.nps_decks[csat].draw(),
            "solved": solved if rng.random() < 0.88 else None,
            "mattered": (
                rng.choices(demo.MATTERED_MOST, weights)[0] if rng.random() < 0.78 else None
            ),
            "comment": self._comment(ticket, tone) if wants_comment else "",
        }

    def _comment(self, ticket: dict, tone: str) -> str:
        rng = self.rng
        language = ticket["requester__employee__language"] or "en"
        if language != "en" and rng.random() < 0.65:
            return rng.choice(demo.SURVEY_COMMENTS[language][tone])
        pool = demo.SURVEY_COMMENTS["en"][tone] + demo.DEPARTMENT_COMMENTS.get(
            ticket["department__prefix"], {}
        ).get(tone, [])
        return rng.choice(pool)


def answer_rows(questions: list[Question], answers: dict) -> list[AnswerRow]:
    """(question, number, text) as response_submit stores them; unanswered ones left out."""
    rows = []
    for question in questions:
        if question.kind == Kind.CSAT:
            value = answers["csat"] if question.is_headline else answers["csat_also"]
        elif question.kind == Kind.NPS:
            value = answers["nps"]
        elif question.kind == Kind.YES_NO:
            value = None if answers["solved"] is None else int(answers["solved"])
        elif question.kind == Kind.CHOICE:
            mattered = answers["mattered"]
            value = mattered if mattered in question.choices else None
        else:
            value = answers["comment"] or None
        if value is None:
            continue
        if question.kind in (Kind.CHOICE, Kind.TEXT):
            rows.append((question, None, value))
        else:
            rows.append((question, value, ""))
    return rows


def raw_answers(rows: list[AnswerRow]) -> dict[int, str]:
    """The same answers as the answer form posts them."""
    raw = {}
    for question, number, text in rows:
        if question.kind == Kind.YES_NO:
            raw[question.pk] = "yes" if number else "no"
        else:
            raw[question.pk] = str(number) if number is not None else text
    return raw


def headline(questions: list[Question], answers: dict) -> tuple[str, int | None]:
    """The kind of the headline question and the score given to it (None: skipped)."""
    question = next(q for q in questions if q.is_headline)
    score = next((n for q, n, _t in answer_rows(questions, answers) if q is question), None)
    return question.kind, score
