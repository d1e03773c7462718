"""Small helpers every view module shares."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property

from ..exceptions import TicketError
from ..selectors import COUNT_CAP


def count_label(n: int, cap: int) -> str:
    """A count that stopped after ``cap`` as shown: "1000+" past it."""
    return f"{cap}+" if n > cap else str(n)


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows (selectors.COUNT_CAP). Past them ``is_capped`` is
    true, ``count`` is the
    cap (a lower bound), and pages go on while rows are left: each reads one row more than
    it shows, to know whether there is a next one."""

    def __init__(self, object_list, per_page, *, known_count: int | None = None):
        super().__init__(object_list, per_page)
        self.known_count = known_count

    @cached_property
    def _counted(self) -> int:
        if self.known_count is not None:
            return self.known_count
        # Unordered: which rows are counted does not matter, and an index then stops early.
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def is_capped(self) -> bool:
        return self._counted > COUNT_CAP

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    def validate_number(self, number):
        if not self.is_capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number  # no upper bound: how many pages there are is not known

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not self.is_capped:
            return super().page(number)
        rows = self._rows(number)
        if not rows:  # past the end: the last page counted, as get_page does
            number = self.num_pages
            rows = self._rows(number)
        page = CappedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page

    def _rows(self, number: int) -> list:
        bottom = (number - 1) * self.per_page
        return list(self.object_list[bottom : bottom + self.per_page + 1])


class CappedPage(Page):
    more: bool | None = None  # past the count: whether rows are left after this page

    def has_next(self) -> bool:
        return self.more if self.more is not None else super().has_next()


def paginate(request, queryset, per_page: int, *, known_count: int | None = None):
    """A page of the queryset; a page number out of range gives the last counted page.
    ``known_count``: the queryset's length, when the page has counted it already."""
    paginator = CappedPaginator(queryset, per_page, known_count=known_count)
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
