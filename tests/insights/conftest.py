from tests.api.conftest import api  # noqa: F401  (shared fixture)
from tests.workspace.conftest import as_user, people  # noqa: F401  (shared fixtures)
