"""Who may see which figures: the one place that says so."""

from requests_app.permissions import is_hr_admin, is_lead_of, is_staff_member


def can_view_department_dashboard(user, department) -> bool:
    """Its lead or an HR admin; agents never see their colleagues' scores."""
    return is_hr_admin(user) or is_lead_of(user, department.pk)


def can_see_own_feedback(user) -> bool:
    """Every agent (and lead) sees their own figures and comments; nobody sees a
    colleague's on this page."""
    return user.is_authenticated and is_staff_member(user)
