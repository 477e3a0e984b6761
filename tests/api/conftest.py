import pytest

from tests.workspace.conftest import as_user, people  # noqa: F401  (shared fixtures)


@pytest.fixture
def api(client, people):  # noqa: F811
    """A client that speaks to the API as one of `people`, with a token of theirs."""
    from challengelog.api.models import ApiToken

    def as_role(name):
        client.logout()
        if name == "anonymous":
            client.defaults.pop("HTTP_AUTHORIZATION", None)
        else:
            _, key = ApiToken.issue(user=people[name], name="test")
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return as_role
