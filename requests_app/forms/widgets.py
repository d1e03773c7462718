"""Widgets of the forms templates render by hand: Bootstrap classes, selects drawn in Python."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class PlainSelect(forms.Select):
    """A select drawn in Python. Django draws every option through a template of its own:
    the queue's filter alone drew ~40 on every request. The same HTML (a test compares)."""

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, list | tuple) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)  # option groups
        attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, " selected" if str(choice) in chosen else "", label)
                for choice, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)


class PlainDateInput(forms.DateInput):
    """A date input drawn in Python (Django draws it through three templates); the same
    HTML (a test compares)."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', value) if value is not None else "",
            flatatt(self.build_attrs(self.attrs, attrs)),
        )


class BootstrapWidgetsMixin:
    """Bootstrap classes on widgets that templates render by hand (filters, small actions);
    their plain selects drawn by ``PlainSelect``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = PlainSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
