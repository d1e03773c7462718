from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("start/", views.SignInStartView.as_view(), name="start"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("refused/<slug:reason>/", views.refused, name="refused"),
]
