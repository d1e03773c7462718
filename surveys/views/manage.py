"""HR admins configure surveys, preview them and watch their delivery."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from requests_app.views.common import require

from .. import forms, selectors
from ..exceptions import SurveyConfigError
from ..models import Invitation, Survey, SurveyVersion
from ..permissions import can_configure_surveys
from ..services import editor
from ..services import invitations as invitation_services


def _require_admin(request) -> None:
    require(can_configure_surveys(request.user))


@login_required
@require_GET
def survey_list(request):
    _require_admin(request)
    surveys = selectors.surveys_overview()
    return render(request, "surveys/manage_survey_list.html", {"surveys": surveys})


def _saved_message(survey: Survey, before: SurveyVersion | None) -> str:
    after = selectors.current_version(survey)
    if before is not None and after.number > before.number:
        return _(
            "“%(name)s” saved as version %(new)s. Earlier answers stay with version %(old)s."
        ) % {"name": survey.name, "new": after.number, "old": before.number}
    return _("“%(name)s” saved.") % {"name": survey.name}


@login_required
def survey_edit(request, survey_id=None):
    _require_admin(request)
    survey = selectors.survey_get(survey_id) if survey_id else None
    versions = selectors.survey_versions(survey) if survey else []
    current = next((v for v in versions if v.is_current), None)
    title = survey.name if survey else None
    if request.method == "POST":
        form = forms.SurveyForm(request.POST, instance=survey)
        formset = forms.QuestionFormSet(request.POST, prefix="questions")
        if form.is_valid() and formset.is_valid():
            try:
                saved = editor.survey_save(
                    actor=request.user,
                    survey=survey,
                    questions=formset.questions(),
                    **form.service_arguments(),
                )
            except SurveyConfigError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _saved_message(saved, current))
                return redirect("surveys:survey_edit", survey_id=saved.pk)
    else:
        form = forms.SurveyForm(
            instance=survey,
            initial={key: getattr(current, key) for key in editor.INTRO_KEYS} if current else {},
        )
        rows = (
            forms.question_initial(selectors.version_questions(current))
            if current
            else forms.new_survey_initial()
        )
        formset = forms.QuestionFormSet(prefix="questions", initial=rows)
    return render(
        request,
        "surveys/manage_survey_form.html",
        {
            "survey": survey,
            "title": title,
            "form": form,
            "formset": formset,
            "versions": versions,
            "current": current,
            "has_answers": bool(current and current.answered),
            # Move buttons act on the saved questions: offered only while the rows show them.
            "can_move": survey is not None and not formset.is_bound,
        },
    )


@login_required
@require_POST
def question_move(request, survey_id):
    _require_admin(request)
    survey = selectors.survey_get(survey_id)
    back = reverse("surveys:survey_edit", kwargs={"survey_id": survey.pk})
    form = forms.QuestionMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That question could not be moved."))
        return redirect(back)
    before = selectors.current_version(survey)
    index, offset = form.cleaned_data["index"], form.cleaned_data["offset"]
    try:
        after = editor.survey_move_question(
            actor=request.user, survey=survey, index=index, offset=offset
        )
    except SurveyConfigError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    if after.number > before.number:
        messages.success(
            request,
            _(
                "Question moved: this is now version %(new)s. "
                "Earlier answers stay with version %(old)s."
            )
            % {"new": after.number, "old": before.number},
        )
    else:
        messages.success(request, _("Question moved."))
    return redirect(f"{back}#question-{index + offset + 1}")


@login_required
@require_GET
def survey_preview(request, survey_id):
    _require_admin(request)
    survey = selectors.survey_get(survey_id)
    version = selectors.current_version(survey)
    questions = selectors.version_questions(version)
    # The recipient's part of the page in the language asked for (default: the admin's own).
    names = dict(settings.LANGUAGES)
    shown = request.GET.get("language")
    if shown not in names:
        shown = translation.get_language()
    untranslated = selectors.version_untranslated_languages(version, questions)
    return render(
        request,
        "surveys/manage_survey_preview.html",
        {
            "survey": survey,
            "version": version,
            "questions": questions,
            "preview_language": shown,
            "preview_languages": [
                {"code": code, "name": name, "falls_back": code in untranslated}
                for code, name in settings.LANGUAGES
            ],
            # What the recipient's partial expects; a preview has no answers and no errors.
            "errors": {},
            "values": {},
        },
    )


@login_required
@require_GET
def invitation_list(request):
    _require_admin(request)
    counts = selectors.invitation_status_counts()
    return render(
        request,
        "surveys/manage_invitation_list.html",
        {
            "counts": [
                (status, Invitation.Status(status).label, n) for status, n in counts.items()
            ],
            "invitations": selectors.invitations_needing_attention(),
        },
    )


@login_required
@require_POST
def invitation_retry(request, invitation_id):
    _require_admin(request)
    if invitation_services.invitation_retry(invitation_id=invitation_id, actor=request.user):
        messages.success(request, _("The invitation will be sent again in a moment."))
    else:
        messages.info(request, _("That invitation had not failed, so nothing was changed."))
    return redirect("surveys:invitation_list")
