"""Small helpers every view module shares."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect

from ..exceptions import TicketError


def paginate(request, queryset, per_page: int):
    """A page of the queryset; a page number out of range gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def refuse_as_message(redirect_to):
    """Turn a TicketError raised by a service into a message and a redirect, never a 500."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except TicketError as error:
                messages.error(request, str(error.message))
                return redirect(redirect_to(request, *args, **kwargs))

        return wrapper

    return decorator


def query_without_page(request) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def require(condition: bool) -> None:
    """404 rather than 403: whether something exists is not revealed."""
    if not condition:
        raise Http404
