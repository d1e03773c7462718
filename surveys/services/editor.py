"""HR admins configure surveys; answered questions are never changed under their answers."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import Kind, audit_record, audit_saved, audited_fields, changes_between
from requests_app.content import TRANSLATED_LANGUAGES, translation_key

from ..exceptions import SurveyConfigError
from ..models import Question, Response, Survey, SurveyVersion
from ..permissions import can_configure_surveys
from ..selectors import current_version

# A question as the editor takes it: its English text and options and their translations.
QUESTION_KEYS = (
    "kind",
    "text",
    "choices",
    "required",
    "is_headline",
    *(translation_key(attr, code) for attr in ("text", "choices") for code in TRANSLATED_LANGUAGES),
)
INTRO_KEYS = ("intro", *(translation_key("intro", code) for code in TRANSLATED_LANGUAGES))
SURVEY_AUDITED = audited_fields(Survey)


def _require_admin(actor) -> None:
    if not can_configure_surveys(actor):
        raise SurveyConfigError(_("Only HR admins configure surveys."))


def validate_questions(questions: list[dict]) -> None:
    """Exactly one headline, a 1–5 or 0–10 question; choices need options."""
    if not questions:
        raise SurveyConfigError(_("A survey needs at least one question."))
    headlines = [q for q in questions if q.get("is_headline")]
    if len(headlines) != 1:
        raise SurveyConfigError(_("Mark exactly one question as the headline."))
    if headlines[0]["kind"] not in Question.HEADLINE_KINDS:
        raise SurveyConfigError(
            _("The headline must be a 1–5 satisfaction or a 0–10 recommend question.")
        )
    for question in questions:
        if question["kind"] == Question.Kind.CHOICE and len(question.get("choices") or []) < 2:
            raise SurveyConfigError(
                _("“%(text)s” needs at least two options.") % {"text": question["text"]}
            )


@transaction.atomic
def survey_save(
    *,
    actor,
    survey: Survey | None = None,
    departments=(),
    request_types=(),
    intro=None,
    intro_translations: dict[str, str] | None = None,
    questions: list[dict] | None = None,
    **fields,
) -> Survey:
    """Create or update a survey's settings and targeting; a new survey gets its first version.

    ``intro_translations`` maps a language code to the introduction in it ("" = English).
    Making a survey the default takes that role from any other survey.
    """
    _require_admin(actor)
    creating = survey is None
    before = None if survey is None else _audited_settings(survey, locked=True)
    survey = survey or Survey()
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save()
    survey.departments.set(departments)
    survey.request_types.set(request_types)
    if survey.is_default:
        _take_default_from_others(actor, survey)
    after = _audited_settings(survey)
    if creating:
        validate_questions(questions or [])
        intros = _intros(None, intro, intro_translations)
        version = SurveyVersion.objects.create(survey=survey, number=1, **intros)
        _create_questions(version, questions or [])
        after |= {**intros, "questions": _normalise(questions or [])}
    audit_saved(
        actor=actor,
        target=survey,
        before=before,
        after=after,
        created=Kind.SURVEY_CREATED,
        changed=Kind.SURVEY_CHANGED,
        own_kinds={"is_active": (Kind.SURVEY_ACTIVATED, Kind.SURVEY_DEACTIVATED)},
        name=survey.name,
    )
    if not creating and (questions is not None or intro is not None or intro_translations):
        survey_set_questions(
            actor=actor,
            survey=survey,
            intro=intro,
            intro_translations=intro_translations,
            questions=questions,
        )
    return survey


def _audited_settings(survey: Survey, *, locked: bool = False) -> dict:
    """A survey's settings and targeting as stored, by name, for its audit rows."""
    surveys = Survey.objects.select_for_update() if locked else Survey.objects
    values = surveys.filter(pk=survey.pk).values(*SURVEY_AUDITED).get()
    values["departments"] = sorted(survey.departments.values_list("name", flat=True))
    values["request_types"] = sorted(
        f"{prefix} · {name}"
        for prefix, name in survey.request_types.values_list("department__prefix", "name")
    )
    return values


def _take_default_from_others(actor, survey: Survey) -> None:
    """Only one survey is the default: the others lose the role, each with its audit row."""
    others = Survey.objects.select_for_update().filter(is_default=True).exclude(pk=survey.pk)
    for other in others:
        audit_record(
            actor=actor,
            kind=Kind.SURVEY_CHANGED,
            target=other,
            changes={"is_default": [True, False]},
            name=other.name,
        )
    others.update(is_default=False)


def _create_questions(version: SurveyVersion, questions: list[dict]) -> None:
    Question.objects.bulk_create(
        Question(version=version, position=i, **{k: q.get(k) or _default(k) for k in QUESTION_KEYS})
        for i, q in enumerate(questions)
    )


def _default(key):
    if key.startswith("choices"):
        return []
    return False if key in ("required", "is_headline") else ""


def _intros(version: SurveyVersion | None, intro, translations: dict[str, str] | None) -> dict:
    """The version's introduction in every language, with the given ones replaced."""
    intros = {key: getattr(version, key) if version else "" for key in INTRO_KEYS}
    if intro is not None:
        intros["intro"] = intro
    for code, text in (translations or {}).items():
        if code in TRANSLATED_LANGUAGES:
            intros[translation_key("intro", code)] = text or ""
    return intros


def _spec(version: SurveyVersion) -> list[dict]:
    return [
        {k: getattr(q, k) for k in QUESTION_KEYS}
        for q in version.questions.order_by("position", "pk")
    ]


def _normalise(questions: list[dict]) -> list[dict]:
    return [{k: q.get(k) or _default(k) for k in QUESTION_KEYS} for q in questions]


@transaction.atomic
def survey_set_questions(
    *,
    actor,
    survey: Survey,
    questions: list[dict] | None,
    intro: str | None = None,
    intro_translations: dict[str, str] | None = None,
) -> SurveyVersion:
    """Replace the intro and questions; a version with answers is kept and a new one made.

    A translation is part of what recipients saw, so it follows the same rule as the
    English text. Returns the current version. Unchanged input changes nothing.
    """
    _require_admin(actor)
    version = SurveyVersion.objects.select_for_update().filter(survey=survey, is_current=True).get()
    new_questions = _normalise(questions) if questions is not None else _spec(version)
    new_intros = _intros(version, intro, intro_translations)
    old_intros = _intros(version, None, None)
    validate_questions(new_questions)
    old_questions = _spec(version)
    if new_questions == old_questions and new_intros == old_intros:
        return version
    changes = changes_between(
        {**old_intros, "questions": old_questions},
        {**new_intros, "questions": new_questions},
    )
    kind = Kind.SURVEY_QUESTIONS_CHANGED
    if Response.objects.filter(version=version).exists():
        kind = Kind.SURVEY_VERSION_PUBLISHED
        changes = {"version": [version.number, version.number + 1], **changes}
        version.is_current = False
        version.save(update_fields=["is_current"])
        version = SurveyVersion.objects.create(
            survey=survey, number=version.number + 1, **new_intros
        )
    else:
        # Nobody answered yet: edit in place, and let open answer forms notice.
        version.questions.all().delete()
        for key, text in new_intros.items():
            setattr(version, key, text)
        version.revision += 1
        version.save(update_fields=[*INTRO_KEYS, "revision"])
    _create_questions(version, new_questions)
    audit_record(actor=actor, kind=kind, target=survey, changes=changes, name=survey.name)
    return version


@transaction.atomic
def survey_move_question(*, actor, survey: Survey, index: int, offset: int) -> SurveyVersion:
    """Move the question at ``index`` up (-1) or down (+1)."""
    # Lock before reading, so two moves at once cannot lose one of them.
    version = SurveyVersion.objects.select_for_update().get(survey=survey, is_current=True)
    questions = _spec(version)
    target = index + offset
    if not (0 <= index < len(questions) and 0 <= target < len(questions)):
        return current_version(survey)
    questions[index], questions[target] = questions[target], questions[index]
    return survey_set_questions(actor=actor, survey=survey, questions=questions)
