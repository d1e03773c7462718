"""The person's own profile: language, time zone and, for leads and HR admins, the weekly digest."""

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

    weekly_digest = forms.BooleanField(
        label=_("Weekly e-mail of clear changes"),
        required=False,
        help_text=_(
            "On Mondays, for the departments you lead (HR admins: every department): only "
            "figures that changed clearly, follow-ups past due and new themes; nothing is "
            "sent in a week without any."
        ),
    )

    def __init__(self, *args, gets_digest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not gets_digest:
            # Only leads and HR admins get the digest: nobody else is asked about it.
            del self.fields["weekly_digest"]
        # The choices are made per form: each is labelled with its offset today.
        site_default = _("The site's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}
        self.fields["time_zone"].choices = [("", site_default), *zones.zone_choices()]
