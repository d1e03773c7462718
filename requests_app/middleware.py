from django.utils import timezone, translation

from . import zones


class EmployeeLanguageMiddleware:
    """Speak the signed-in person's chosen language, whatever the browser says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        employee = getattr(user, "employee", None) if user and user.is_authenticated else None
        if employee is None or not employee.language:
            return self.get_response(request)
        request.LANGUAGE_CODE = employee.language
        # override, not activate: the language must not outlive the request in this thread.
        with translation.override(employee.language):
            return self.get_response(request)


class EmployeeTimeZoneMiddleware:
    """Show every time in the signed-in person's time zone (their profile's, else the site's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        employee = getattr(user, "employee", None) if user and user.is_authenticated else None
        if employee is None or not employee.time_zone:
            return self.get_response(request)
        # override, not activate: the zone must not outlive the request in this thread.
        with timezone.override(zones.zone_named(employee.time_zone)):
            return self.get_response(request)
