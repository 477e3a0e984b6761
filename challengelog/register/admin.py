from django.contrib import admin

from challengelog.register.models import Agency, Challenge, Forum, Partnership, Raiser


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Agency, Raiser)
class CanonicalNameAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "retired"]
    list_filter = ["partnership", "retired"]
    search_fields = ["name"]


@admin.register(Forum)
class ForumAdmin(CanonicalNameAdmin):
    list_display = ["name", "kind", "partnership", "retired"]


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["reference", "date_raised", "meeting_as_recorded", "to_as_recorded", "status"]
    list_filter = ["partnership", "status", "risk"]
    search_fields = ["reference", "text", "action"]
    autocomplete_fields = ["agencies"]
