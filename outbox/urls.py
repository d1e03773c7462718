from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("manage/emails/", views.email_list, name="email_list"),
    path("manage/emails/<int:email_id>/retry/", views.email_retry, name="email_retry"),
]
