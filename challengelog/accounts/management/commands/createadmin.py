import secrets

from django.core.management.base import BaseCommand, CommandError

from challengelog.accounts.models import Membership, User
from challengelog.register.models import Partnership


class Command(BaseCommand):
    help = (
        "Create the first administrator with a generated password, printed once. Does nothing "
        "when any account exists already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="admin@example.org")

    def handle(self, *args, **options):
        if User.objects.exists():
            self.stdout.write("An account exists already: no administrator created.")
            return
        email = options["email"].strip().lower()
        if "@" not in email:
            raise CommandError(f"“{email}” is not an e-mail address")
        password = secrets.token_urlsafe(15)
        user = User.objects.create_superuser(email=email, password=password)
        for partnership in Partnership.objects.all():
            Membership.objects.create(
                user=user, partnership=partnership, role=Membership.Role.ADMINISTRATOR
            )
        self.stdout.write(
            self.style.SUCCESS(
                "\nThe first administrator (this password is shown once: keep it safe):\n"
                f"  e-mail:   {email}\n  password: {password}\n"
                "Sign in at /sign-in/ and change it; add the others from the admin pages.\n"
            )
        )
