"""The API tests' helpers (log in through the API, bearer headers) for these tests too."""

from tests.api.conftest import (  # noqa: F401  (fixtures, found by name)
    admin_tokens,
    as_admin,
    as_customer,
    customer_tokens,
    login,
    other_customer_headers,
)
