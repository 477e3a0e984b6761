"""People, their roles in each partnership, and the append-only audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is needed")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in, known by e-mail address."""

    class Notices(models.TextChoices):
        IMMEDIATE = "immediate", "Each notice as it happens"
        DIGEST = "digest", "One weekly digest"

    username = None
    email = models.EmailField("e-mail address", unique=True)
    notices = models.CharField(
        "e-mail notices", max_length=20, choices=Notices.choices, default=Notices.IMMEDIATE
    )
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person's role in one partnership."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Administrator (business unit)"
        CHAIR = "chair", "Chair or scrutineer"
        MEMBER = "member", "Board member"
        AGENCY_LEAD = "agency_lead", "Agency lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        "register.Partnership", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    agencies = models.ManyToManyField(
        "register.Agency",
        blank=True,
        related_name="leads",
        help_text="For an agency lead: the agencies whose challenges they answer.",
    )
    last_seen = models.DateTimeField(null=True, blank=True)
    previous_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="one_role_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.partnership}"


class AuditEvent(models.Model):
    """Something that happened that is not an edit: signing in, importing, exporting,
    publishing. Append-only: an event is never changed or deleted."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        IMPORT = "import", "Imported a log"
        EXPORT = "export", "Exported"
        EVIDENCE = "evidence", "Downloaded evidence"
        PUBLISH = "publish", "Published"
        LISTS = "lists", "Changed a reference list"
        ROLES = "roles", "Changed a role"
        PERSON_SEARCH = "person_search", "Searched for a person"
        RETENTION = "retention", "Deleted under the retention rule"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=254, blank=True)
    partnership = models.ForeignKey(
        "register.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are never deleted")


def record_event(kind, summary, *, user=None, partnership=None, request=None, **detail):
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    return AuditEvent.objects.create(
        kind=kind,
        summary=summary[:500],
        user=user,
        user_label=(user.email if user else detail.pop("user_label", ""))[:254],
        partnership=partnership,
        detail=detail,
        ip=ip,
    )
