import pytest

from challengelog.accounts.models import Membership, User
from challengelog.register.models import Partnership


@pytest.fixture
def partnership(db):
    return Partnership.objects.create(name="Test", slug="test")


def make_user(partnership, role, email=None):
    user = User.objects.create_user(email=email or f"{role}@example.org", password="x" * 16)
    Membership.objects.create(user=user, partnership=partnership, role=role)
    return user


@pytest.fixture
def admin(partnership):
    return make_user(partnership, "administrator")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client
