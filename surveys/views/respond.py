"""The recipient's side: answer from the e-mail link (no password) or in the app."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from requests_app import throttle

from .. import selectors
from ..exceptions import AlreadyAnswered, InvalidAnswer, SurveyChanged, SurveyClosed, SurveyError
from ..models import Invitation
from ..services import responses as response_services


def _answer_page(request, invitation: Invitation, *, reopen_url: str):
    """GET shows the survey (or why it can't be answered); POST stores the answers once."""
    thanks_key = f"survey-thanks-{invitation.pk}"
    if invitation.status == Invitation.Status.ANSWERED:
        just_answered = request.session.pop(thanks_key, False)
        response = getattr(invitation, "response", None)
        low = response and response_services.is_low_score(
            response.headline_kind, response.headline_score
        )
        anonymous = invitation.survey.anonymous
        offer_reopen = bool(
            just_answered and low and response_services.can_reopen_from_survey(invitation)
        )
        # Anonymous: no reopen tied to the answer; say how to reopen without giving it up.
        explain_reopen = bool(
            just_answered
            and low
            and anonymous
            and response_services.can_still_reopen_request(invitation)
        )
        return render(
            request,
            "surveys/answer_thanks.html",
            {
                "invitation": invitation,
                "just_answered": just_answered,
                "offer_reopen": offer_reopen,
                "explain_reopen": explain_reopen,
                "reopen_url": reopen_url,
            },
        )
    if not selectors.invitation_is_answerable(invitation):
        return render(request, "surveys/answer_gone.html", {"expired": True}, status=410)

    version = invitation.version
    questions = selectors.version_questions(version)
    context = {
        "invitation": invitation,
        "ticket": invitation.ticket,
        "version": version,
        "survey": version.survey,
        "questions": questions,
        "errors": {},
        "values": {},
    }
    status = 200
    if request.method == "POST":
        raw = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = -1
        try:
            response_services.response_submit(
                invitation_id=invitation.pk, raw_answers=raw, revision=revision
            )
        except InvalidAnswer as error:
            context.update(errors=error.errors, values=raw)
            messages.error(request, str(error.message))
            status = 400
        except SurveyChanged as error:
            # Show the survey as it is now, keeping what still fits.
            version.refresh_from_db()
            context.update(questions=selectors.version_questions(version), values=raw)
            messages.warning(request, str(error.message))
            status = 409
        except AlreadyAnswered:
            return redirect(request.path)
        except SurveyClosed:
            return render(request, "surveys/answer_gone.html", {"expired": True}, status=410)
        else:
            request.session[thanks_key] = True
            return redirect(request.path)
    return render(request, "surveys/answer_form.html", context, status=status)


def _invitation_or_refusal(request, token) -> Invitation | HttpResponse:
    """The link's invitation, or the page to show instead: 404 for a wrong token, 429 once
    one client has sent too many wrong ones (then for every token, so guessing learns
    nothing more until the window ends). Valid links from anyone else keep working."""
    window = settings.ICSAT_SURVEY_TOKEN_WINDOW_MINUTES * 60
    limit = settings.ICSAT_SURVEY_TOKEN_FAILURE_LIMIT
    key = f"survey-token:ip:{throttle.client_ip(request)}"
    if throttle.blocked(key, limit, window):
        return throttle.too_many_requests(request, window=window)
    try:
        return selectors.invitation_by_token(token)
    except Http404:  # unknown, tampered or malformed: one friendly page, nothing else
        if not throttle.hit(key, limit, window):
            return throttle.too_many_requests(request, window=window)
        return render(request, "surveys/answer_gone.html", {"expired": False}, status=404)


def _in_recipient_language(invitation: Invitation):
    """A personal link speaks its recipient's language, signed in or not."""
    employee = getattr(invitation.recipient, "employee", None)
    return translation.override(employee.language if employee else None)


@never_cache
@require_http_methods(["GET", "POST"])
def answer_by_token(request, token):
    invitation = _invitation_or_refusal(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    with _in_recipient_language(invitation):
        return _answer_page(
            request,
            invitation,
            reopen_url=reverse("surveys:answer_reopen", kwargs={"token": token}),
        )


def _reopen(request, invitation: Invitation, back_url: str):
    try:
        ticket = response_services.reopen_from_survey(
            invitation_id=invitation.pk, reason=request.POST.get("reason", "").strip()
        )
    except SurveyError as error:
        messages.error(request, str(error.message))
        return redirect(back_url)
    return render(request, "surveys/answer_reopened.html", {"ticket": ticket})


@never_cache
@require_POST
def reopen_by_token(request, token):
    invitation = _invitation_or_refusal(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    with _in_recipient_language(invitation):
        return _reopen(request, invitation, reverse("surveys:answer", kwargs={"token": token}))


@login_required
@require_GET
def waiting_list(request):
    return render(
        request,
        "surveys/answer_waiting.html",
        {"invitations": selectors.invitations_waiting_for(request.user)},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer_in_app(request, invitation_id):
    invitation = selectors.invitation_for_recipient(request.user, invitation_id)
    return _answer_page(
        request,
        invitation,
        reopen_url=reverse("surveys:answer_in_app_reopen", kwargs={"invitation_id": invitation.pk}),
    )


@login_required
@require_POST
def reopen_in_app(request, invitation_id):
    invitation = selectors.invitation_for_recipient(request.user, invitation_id)
    return _reopen(
        request,
        invitation,
        reverse("surveys:answer_in_app", kwargs={"invitation_id": invitation.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        response_services.notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("surveys:notifications")
    return render(
        request,
        "surveys/notification_list.html",
        {
            "notifications": selectors.recent_notifications(request.user),
        },
    )
