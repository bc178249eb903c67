"""A client's X-Request-ID is echoed only when it looks like a request id."""

import pytest

from tests.api.conftest import assert_problem


@pytest.mark.parametrize("given", ["<b>call 555-0100</b>", "a b", "x" * 129, "id;rm -rf", "é"])
def test_an_unlikely_request_id_is_replaced_by_our_own(client, given):
    response = client.get("/api/nothing-here", headers={"X-Request-ID": given})
    body = assert_problem(response, 404)
    assert body["request_id"] != given
    assert len(body["request_id"]) == 32
    page = client.get("/nothing-here", headers={"X-Request-ID": given})
    assert given not in page.get_data(as_text=True)


@pytest.mark.parametrize("given", ["req-123", "5f2b9c0e-1d7a-4b8e-9a51-0c3e2d1f4a6b", "a" * 128])
def test_a_proxys_request_id_is_kept(client, given):
    response = client.get("/api/nothing-here", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given
