"""makemessages that also finds the plural phrases stored for reading later
(requests_app.phrases.plural_phrase), so both forms land in one catalogue entry."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=plural_phrase:1,2"]
