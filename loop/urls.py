from .views import actions, followups, themes

app_name = "loop"

urlpatterns = [*followups.urlpatterns, *themes.urlpatterns, *actions.urlpatterns]
