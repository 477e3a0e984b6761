"""The upload form and the column mapping form of the import pages."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings

from challengelog.importing.columns import FIELDS, field_for, normalise_header, parse_overrides
from challengelog.importing.readers import READERS, ImportRefused, detect_format, read_json

ACCEPTED = (".txt", ".csv", ".xlsx", ".docx", ".json")
IGNORE = "ignore"


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 1 else f"{size // 1024} KB"


def check_readable(name: str, data: bytes) -> None:
    """Raise ImportRefused when the file cannot be read at all (empty, binary, damaged)."""
    fmt = detect_format(name, data)
    if fmt == "json":
        read_json(name, data)
    else:
        READERS[fmt](name, data)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        allow_empty_file=False,
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded: try again",
            "missing": "Select a file to import",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = Path(upload.name or "upload").name[:200]
        if Path(name).suffix.lower() not in ACCEPTED:
            raise forms.ValidationError(
                "The selected file must be a TXT, CSV, XLSX, DOCX or JSON file"
            )
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {megabytes(limit)}"
            )
        data = b"".join(upload.chunks())
        if not data.strip():
            raise forms.ValidationError("The selected file is empty")
        try:
            check_readable(name, data)
        except ImportRefused as exc:
            reason = str(exc).removeprefix(f"{name}: ")
            raise forms.ValidationError(f"The selected file cannot be read: {reason}") from None
        self.cleaned_data["name"] = name
        self.cleaned_data["data"] = data
        return upload


FIELD_CHOICES = [
    (f, label.capitalize() if f.replace("_", " ") == label else f"{label.capitalize()} ({f})")
    for f, label in FIELDS.items()
] + [(IGNORE, "Ignore this column")]


def _automatic(header: str) -> str:
    return field_for(header) or IGNORE


class MappingForm(forms.Form):
    """One select per header of the file, and free lines "Header=field" for anything else."""

    extra = forms.CharField(
        label="Other columns",
        help_text="One a line, as Header=field, for a column not listed above.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea", "spellcheck": "false"}),
    )

    def __init__(self, headers: list[str], mapping: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        try:
            current = parse_overrides(mapping)
        except ValueError:
            current = {}
        keys = {normalise_header(h) for h in headers}
        self.column_fields = []
        for index, header in enumerate(headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=FIELD_CHOICES,
                initial=current.get(normalise_header(header)) or _automatic(header),
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
            self.column_fields.append(self[name])
        self.fields["extra"].initial = "\n".join(
            line for line in mapping if normalise_header(line.partition("=")[0]) not in keys
        )

    def clean_extra(self):
        lines = [line.strip() for line in self.cleaned_data["extra"].splitlines() if line.strip()]
        try:
            parse_overrides(lines)
        except ValueError as exc:
            message = str(exc).replace("--map ", "")
            raise forms.ValidationError(message[:1].upper() + message[1:]) from None
        return lines

    def mapping(self) -> list[str]:
        """The "Header=field" lines that differ from what the importer reads by itself."""
        lines = []
        for index, header in enumerate(self.headers):
            chosen = self.cleaned_data[f"column_{index}"]
            if chosen != _automatic(header):
                lines.append(f"{header.replace('=', ' ')}={chosen}")
        return lines + self.cleaned_data["extra"]
