"""The recipient's pages (being built)."""

from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


answer_by_token = reopen_by_token = waiting_list = answer_in_app = _not_yet
reopen_in_app = notification_list = _not_yet
