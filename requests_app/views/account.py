"""The signed-in person's own settings."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from ..services.departments import employee_set_language


@require_POST
def language_set(request):
    """Django's set_language, and for a signed-in person also their profile's language."""
    if request.user.is_authenticated:
        employee_set_language(user=request.user, language=request.POST.get("language", ""))
    return set_language(request)
