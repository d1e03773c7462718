from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company and its seeding (``manage.py seed_demo``): spans both apps."""

    name = "demo"
    verbose_name = "Demo company"
