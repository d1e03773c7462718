"""HR admins' survey pages (being built)."""

from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


survey_list = survey_edit = survey_preview = question_move = _not_yet
invitation_list = invitation_retry = _not_yet
