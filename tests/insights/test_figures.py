"""How the dashboards write numbers: the same text as Django's localised number format."""

import math

import pytest
from django.test import override_settings
from django.utils import formats, translation

from insights.views.figures import number

VALUES = [
    0,
    7,
    -3,
    0.0,
    -0.0,
    -0.3,
    0.5,
    1.5,
    2.5,
    72.4999,
    72.5,
    99.95,
    -12.75,
    1234.5,
    98765.4321,
    1e16,
    1.5e-7,
    math.inf,
]


@pytest.mark.parametrize("language", ["en", "es", "nb"])
@pytest.mark.parametrize("digits", [0, 1])
def test_number_writes_what_number_format_writes(language, digits):
    with translation.override(language):
        for value in VALUES:
            expected = formats.number_format(round(value, digits), digits)
            assert number(value, digits) == expected, (value, digits, language)


def test_number_keeps_the_decimal_separator_of_the_language():
    with translation.override("nb"):
        assert number(4.25, 1) == "4,2"
    with translation.override("en"):
        assert number(4.25, 1) == "4.2"


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_number_groups_thousands_where_the_site_asks_for_it():
    with translation.override("en"):
        assert number(1234567) == formats.number_format(1234567, 0) == "1,234,567"
