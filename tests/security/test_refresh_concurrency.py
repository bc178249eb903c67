"""One refresh token presented by several clients at once buys one pair, on SQLite and PostgreSQL.

The refresh token's row is locked (``SELECT ... FOR UPDATE``; SQLite's write
lock through ``BEGIN IMMEDIATE``) before it is marked spent, so the others
wait, then find it spent: a reuse, which revokes the family.
"""

import threading

import pytest

from storefront.extensions import db
from tests.api.conftest import bearer


def _refresh_at_once(app, token: str, count: int) -> list[int]:
    db.session.remove()
    start = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def present():
        client = app.test_client()
        start.wait()
        response = client.post("/api/auth/refresh", json={"refresh_token": token})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=present) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


@pytest.mark.parametrize("round_", range(3))
def test_one_refresh_token_presented_by_several_clients_at_once_buys_one_pair(
    app, client, customer_tokens, round_
):
    statuses = _refresh_at_once(app, customer_tokens["refresh_token"], 8)
    assert sorted(statuses) == [200] + [401] * 7
    # The others presented a spent token: the family is revoked, the first's new pair with it.
    headers = bearer(customer_tokens["access_token"])
    assert client.get("/api/users/me", headers=headers).status_code == 401
