from django.urls import path

from .views import manage, respond

app_name = "surveys"

urlpatterns = [
    # The recipient's side: a link from the e-mail, no password.
    path("s/<str:token>/", respond.answer_by_token, name="answer"),
    path("s/<str:token>/reopen/", respond.reopen_by_token, name="answer_reopen"),
    # Signed in: surveys waiting for me, and notifications.
    path("surveys/waiting/", respond.waiting_list, name="waiting"),
    path("surveys/waiting/<int:invitation_id>/", respond.answer_in_app, name="answer_in_app"),
    path(
        "surveys/waiting/<int:invitation_id>/reopen/",
        respond.reopen_in_app,
        name="answer_in_app_reopen",
    ),
    path("notifications/", respond.notification_list, name="notifications"),
    # HR admins.
    path("surveys/manage/", manage.survey_list, name="survey_list"),
    path("surveys/manage/new/", manage.survey_edit, name="survey_new"),
    path("surveys/manage/<int:survey_id>/", manage.survey_edit, name="survey_edit"),
    path("surveys/manage/<int:survey_id>/preview/", manage.survey_preview, name="survey_preview"),
    path("surveys/manage/<int:survey_id>/move/", manage.question_move, name="question_move"),
    path("surveys/manage/invitations/", manage.invitation_list, name="invitation_list"),
    path(
        "surveys/manage/invitations/<int:invitation_id>/retry/",
        manage.invitation_retry,
        name="invitation_retry",
    ),
]
