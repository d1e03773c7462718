"""Pages of themes (being built)."""

urlpatterns: list = []
