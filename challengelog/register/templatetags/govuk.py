"""GOV.UK Frontend markup for Django form fields: one tag, the same markup everywhere."""

from html import escape

from django import forms, template
from django.utils.safestring import mark_safe

register = template.Library()
STATUS_TAGS = {"open": "govuk-tag--yellow", "assured": "govuk-tag--green"}


@register.simple_tag
def status_tag(challenge):
    """A challenge's status as a GOV.UK tag: open yellow, assured green, the rest grey."""
    from challengelog.register.models import Challenge

    status = challenge.status
    label = Challenge.Status(status).label if status in Challenge.Status.values else status
    colour = STATUS_TAGS.get(status, "govuk-tag--grey")
    return mark_safe(f'<strong class="govuk-tag {colour}">{escape(str(label))}</strong>')


@register.simple_tag
def select_options(field):
    """A select's <option>s, the one in use marked, written in one pass: a page of the log
    has a couple of hundred across its filters. Every value and label is escaped."""
    current = field.value()
    return mark_safe(
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if value == current else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in field.field.choices
        )
    )


def _kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "text"


@register.inclusion_tag("staff/_field.html")
def govuk_field(field, datalist="", narrow=False, radios=False):
    value = field.value()
    multiple = getattr(field.field.widget, "allow_multiple_selected", False)
    selected = (
        {str(v.pk if hasattr(v, "pk") else v) for v in (value or [])}
        if multiple
        else {"" if value is None else str(getattr(value, "pk", value))}
    )
    choices = []
    if hasattr(field.field, "choices"):
        for choice_value, label in field.field.choices:
            key = str(getattr(choice_value, "value", choice_value))
            choices.append({"value": key, "label": label, "selected": key in selected})
    if hasattr(value, "strftime"):
        value = value.strftime("%d/%m/%Y")
    kind = "radios" if radios else _kind(field)
    # A RadioSelect names no single element for its label: its first radio takes the id.
    fid = field.id_for_label or field.auto_id
    hint_id = f"{fid}-hint" if field.help_text else ""
    error_id = f"{fid}-error" if field.errors else ""
    return {
        "f": field,
        "fid": fid,
        "kind": kind,
        "value": "" if value is None or multiple else value,
        "choices": choices,
        "multiple": multiple,
        "describedby": " ".join(i for i in (hint_id, error_id) if i),
        "datalist": datalist,
        "narrow": narrow,
        "rows": field.field.widget.attrs.get("rows", 5),
    }
