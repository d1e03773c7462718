from django.urls import path

from .views import audit_log, email_delivery

app_name = "console"

urlpatterns = [
    path("manage/audit/", audit_log.audit_log, name="audit_log"),
    path("manage/emails/", email_delivery.email_list, name="email_list"),
    path("manage/emails/<int:email_id>/retry/", email_delivery.email_retry, name="email_retry"),
]
