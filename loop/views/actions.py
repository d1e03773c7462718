"""Pages of actions (being built)."""

urlpatterns: list = []
