"""Pages of followups (being built)."""

urlpatterns: list = []
