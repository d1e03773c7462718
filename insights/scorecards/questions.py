"""Per-question answer counts of a department's scorecard, in the reader's language."""

import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum

from requests_app.content import translated, translated_options
from surveys.models import Question

from ..disclosure import TOO_FEW, TOTAL
from ..models import AnswerDay
from ..selectors import local_days
from ..stats import min_responses
from .results import QuestionResult
from .survey_counts import kept_in_parts

Kind = Question.Kind


def state_of(suppressions: dict, key) -> str:
    """A cell's hidden state over both measures: hidden if either measure's is
    ("few" before "protected"), "" when both are shown."""
    states = [suppression.of(key) for suppression in suppressions.values()]
    return min((state for state in states if state), default="")


Counts = dict[int, dict[str, int]]  # question id → value → answers


def _answer_counts(
    department, days: tuple[date, date], version_id, boundary: date, recent_only: bool
) -> tuple[Counts, Counts]:
    """The answers in the days ``[first, stop)`` before ``boundary`` and from it (none
    before it when ``recent_only``): one query, none when no day is left to read."""
    first, stop = days
    low = max(first, boundary) if recent_only else first
    earlier: Counts = {}
    recent: Counts = {}
    if low >= stop:
        return earlier, recent
    answers = AnswerDay.objects.filter(department=department, day__gte=low, day__lt=stop)
    if version_id is not None:
        answers = answers.filter(question__version_id=version_id)
    side = ExpressionWrapper(Q(day__gte=boundary), output_field=BooleanField())
    for is_recent, question_id, value, n in (
        answers.order_by()
        .annotate(recent=side)
        .values_list("recent", "question_id", "value")
        .annotate(n=Sum("answers"))
    ):
        if n:
            (recent if is_recent else earlier).setdefault(question_id, {})[value] = n
    return earlier, recent


def _plus(counts: Counts, more: Counts) -> Counts:
    added = {question_id: dict(values) for question_id, values in counts.items()}
    for question_id, values in more.items():
        seen = added.setdefault(question_id, {})
        for value, n in values.items():
            seen[value] = seen.get(value, 0) + n
    return added


# Answered questions never change: editing a survey whose version has answers keeps that
# version and makes a new one (surveys.services.editor.survey_set_questions), and answers
# protect their questions from deletion. So each process keeps those it read, by id, with
# their versions, rather than read the same rows on every view of every dashboard.
ANSWERED_KEPT = 512
_answered: OrderedDict[int, Question] = OrderedDict()
_answered_lock = threading.Lock()


def _answered_questions(ids: Iterable[int]) -> list[Question]:
    """These answered questions with their versions: one query for those not kept yet."""
    wanted = list(ids)
    with _answered_lock:
        missing = [pk for pk in wanted if pk not in _answered]
    if missing:
        read = Question.objects.filter(pk__in=missing).select_related("version")
        with _answered_lock:
            for question in read:
                _answered[question.pk] = question
            while len(_answered) > ANSWERED_KEPT:
                _answered.popitem(last=False)
    with _answered_lock:
        return [_answered[pk] for pk in wanted if pk in _answered]


def question_results(
    department, start: datetime, end: datetime, version_id, protection
) -> list[QuestionResult]:
    """Counts per value of each question answered in ``[start, end)``: two queries at most,
    the answers and the questions this process has not read yet (after an answer, the
    answers of the recent days only: see ``kept_in_parts``).

    Shown for all request types together only, and only where the question's version
    has its headline shown: a question belongs to one version, so its counts are the same
    group in every view that shows them and cannot be subtracted from one another, and
    they never reveal a headline the tables hide.
    """
    days = local_days(start, end)
    per_question = kept_in_parts(
        protection.counts_key,
        ("answers", version_id),
        lambda boundary, recent_only: _answer_counts(
            department, days, version_id, boundary, recent_only
        ),
        _plus,
    )
    if not per_question:
        return []
    questions = _answered_questions(per_question)
    results = []
    for question in sorted(questions, key=lambda q: (-q.version.number, q.position, q.pk)):
        seen = per_question[question.pk]
        n = sum(seen.values())
        if question.kind in (Kind.CSAT, Kind.NPS):
            values = [str(v) for v in question.scale]
        elif question.kind == Kind.YES_NO:
            values = ["1", "0"]
        else:
            values = [*question.choices, *(v for v in seen if v not in question.choices)]
        # Answers hold the English option whatever language they were given in; the
        # reader sees each option in their own.
        labels = dict(translated_options(question)) if question.kind == Kind.CHOICE else {}
        hidden = (
            TOO_FEW
            if n < min_responses()
            else state_of(protection.headline, (TOTAL, question.version_id))
        )
        results.append(
            QuestionResult(
                question_id=question.pk,
                version_number=question.version.number,
                position=question.position,
                kind=question.kind,
                text=translated(question, "text"),
                n=n,
                counts=[] if hidden else [(labels.get(v, v), seen.get(v, 0)) for v in values],
                suppressed=bool(hidden),
                hidden=hidden,
            )
        )
    return results
