from tests.workspace.conftest import as_user, people  # noqa: F401  (shared fixtures)
