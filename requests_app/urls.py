from django.urls import path

from .views import account, manage, people, queue, tickets

app_name = "requests_app"

urlpatterns = [
    path("", tickets.home, name="home"),
    path("account/", account.profile, name="profile"),
    path("requests/new/", tickets.new_request, name="new_request"),
    path(
        "requests/new/<slug:department_slug>/",
        tickets.new_request_department,
        name="new_request_department",
    ),
    path(
        "requests/new/<slug:department_slug>/<slug:type_slug>/",
        tickets.new_request_form,
        name="new_request_form",
    ),
    path("requests/handoff/", tickets.handoff_new, name="handoff_new"),
    path("requests/colleagues/", tickets.colleague_search, name="colleague_search"),
    path("requests/mine/", tickets.my_requests, name="my_requests"),
    path("requests/assigned/", tickets.assigned_to_me, name="assigned_to_me"),
    path("t/<str:reference>/", tickets.ticket_detail, name="ticket_detail"),
    path("t/<str:reference>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("t/<str:reference>/claim/", tickets.ticket_claim, name="ticket_claim"),
    path("t/<str:reference>/assign/", tickets.ticket_assign, name="ticket_assign"),
    path("t/<str:reference>/status/", tickets.ticket_status, name="ticket_status"),
    path("t/<str:reference>/resolve/", tickets.ticket_resolve, name="ticket_resolve"),
    path("t/<str:reference>/reopen/", tickets.ticket_reopen, name="ticket_reopen"),
    path("t/<str:reference>/cancel/", tickets.ticket_cancel, name="ticket_cancel"),
    path("files/<int:attachment_id>/", tickets.attachment_download, name="attachment_download"),
    path("queue/<slug:department_slug>/", queue.department_queue, name="department_queue"),
    path("manage/people/", people.people_list, name="people_list"),
    path("manage/people/import/", people.people_import_page, name="people_import"),
    path("manage/people/<int:user_id>/", people.person_detail, name="person_detail"),
    path("manage/people/<int:user_id>/role/", people.person_role, name="person_role"),
    path(
        "manage/people/<int:user_id>/deactivate/",
        people.person_deactivate,
        name="person_deactivate",
    ),
    path(
        "manage/people/<int:user_id>/reactivate/",
        people.person_reactivate,
        name="person_reactivate",
    ),
    path("manage/departments/", manage.department_list, name="department_list"),
    path("manage/departments/new/", manage.department_edit, name="department_new"),
    path(
        "manage/departments/<slug:department_slug>/", manage.department_edit, name="department_edit"
    ),
    path(
        "manage/<slug:department_slug>/types/", manage.request_type_list, name="request_type_list"
    ),
    path(
        "manage/<slug:department_slug>/types/new/",
        manage.request_type_edit,
        name="request_type_new",
    ),
    path(
        "manage/<slug:department_slug>/types/<slug:type_slug>/",
        manage.request_type_edit,
        name="request_type_edit",
    ),
    path("manage/<slug:department_slug>/members/", manage.member_list, name="member_list"),
    path(
        "manage/<slug:department_slug>/members/search/", manage.member_search, name="member_search"
    ),
    path(
        "manage/<slug:department_slug>/members/<int:user_id>/",
        manage.member_change,
        name="member_change",
    ),
]
