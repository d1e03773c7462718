from django.utils import translation


class EmployeeLanguageMiddleware:
    """Speak the signed-in person's chosen language, whatever the browser says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            employee = getattr(user, "employee", None)
            if employee is not None and employee.language:
                translation.activate(employee.language)
                request.LANGUAGE_CODE = employee.language
        return self.get_response(request)
