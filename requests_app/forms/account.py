"""The person's own profile: language and time zone."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .. import zones


class ProfileForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_(
            "Every time icsat shows you, on its pages and in its e-mails, is in this zone."
        ),
        # Checked against the offered names (the installed tz database), never trusted.
        error_messages={"invalid_choice": _("Choose a time zone from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are made per form: each is labelled with its offset today.
        site_default = _("The site's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}
        self.fields["time_zone"].choices = [("", site_default), *zones.zone_choices()]
