"""Who may see which figures: the one place that says so."""

from requests_app.permissions import is_hr_admin, is_lead_of


def can_view_department_dashboard(user, department) -> bool:
    """Its lead or an HR admin; agents never see their colleagues' scores."""
    return is_hr_admin(user) or is_lead_of(user, department.pk)
