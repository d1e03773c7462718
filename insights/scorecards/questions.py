"""Per-question answer counts of a department's scorecard, in the reader's language."""

from django.db.models import Sum

from requests_app.content import translated, translated_options
from surveys.models import Question

from ..disclosure import TOO_FEW, TOTAL
from ..models import AnswerDay
from ..stats import min_responses
from .results import QuestionResult
from .survey_counts import kept_with_counts

Kind = Question.Kind


def state_of(suppressions: dict, key) -> str:
    """A cell's hidden state over both measures: hidden if either measure's is
    ("few" before "protected"), "" when both are shown."""
    states = [suppression.of(key) for suppression in suppressions.values()]
    return min((state for state in states if state), default="")


def _answer_counts(department, current, version_id) -> dict[int, dict[str, int]]:
    """question id → value → answers in the period."""
    answers = AnswerDay.objects.filter(current, department=department)
    if version_id is not None:
        answers = answers.filter(question__version_id=version_id)
    per_question: dict[int, dict[str, int]] = {}
    for question_id, value, n in (
        answers.order_by().values_list("question_id", "value").annotate(n=Sum("answers"))
    ):
        if n:
            per_question.setdefault(question_id, {})[value] = n
    return per_question


def question_results(department, current, version_id, protection) -> list[QuestionResult]:
    """Counts per value of each question answered in the period (two queries).

    Shown for all request types together only, and only where the question's version
    has its headline shown: a question belongs to one version, so its counts are the same
    group in every view that shows them and cannot be subtracted from one another, and
    they never reveal a headline the tables hide.
    """
    per_question = kept_with_counts(
        protection.counts_key,
        ("answers", version_id),
        lambda: _answer_counts(department, current, version_id),
    )
    if not per_question:
        return []
    questions = Question.objects.filter(pk__in=per_question).select_related("version")
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
