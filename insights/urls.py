from django.urls import path

from .views import agent_feedback, dashboard_csv, dashboards, organisation

app_name = "insights"

# The paths are the ones the dashboards had under surveys: users keep their bookmarks.
urlpatterns = [
    # HR admins: the organisation-wide view.
    path("surveys/dashboard/", organisation.organisation_dashboard, name="organisation_dashboard"),
    # Department leads and HR admins: a department's satisfaction dashboard.
    path(
        "surveys/dashboard/<slug:department_slug>/",
        dashboards.department_dashboard,
        name="department_dashboard",
    ),
    path(
        "surveys/dashboard/<slug:department_slug>/export.csv",
        dashboard_csv.department_dashboard_csv,
        name="department_dashboard_csv",
    ),
    # Agents: their own figures and the comments on their work, never a colleague's.
    path("surveys/my-feedback/", agent_feedback.my_feedback, name="my_feedback"),
]
