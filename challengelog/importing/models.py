from django.db import models

from challengelog.register.models import Partnership


class ImportRun(models.Model):
    """One import that was carried out: the file, what it changed and its quality report."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="imports")
    source = models.CharField(max_length=500)
    format = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    started = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.source} ({self.started:%d/%m/%Y %H:%M})"
