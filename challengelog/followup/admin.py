from django.contrib import admin

from challengelog.followup.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """The outbox, for the business unit to see what was sent and what failed (and why)."""

    list_display = ["created", "user", "kind", "subject", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", "partnership", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "subject", "key"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False
