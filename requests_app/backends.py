"""Django's password sign-in, with the signed-in person read as every page needs them."""

from django.contrib.auth.backends import ModelBackend

from .selectors.people import signed_in_person


class PasswordBackend(ModelBackend):
    """Signs in as Django's ModelBackend does. Each request's person comes with their
    profile and HR-admin flag (``signed_in_person``): one query where Django's backend, the
    language middleware and the navigation took three."""

    def get_user(self, user_id):
        user = signed_in_person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
