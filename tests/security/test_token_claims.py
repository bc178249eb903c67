"""Tokens we signed but whose claims are not as we write them: 401, never a 500.

Only a holder of JWT_SECRET_KEY can make these, so this is defence in depth: a
claim that is not what ``encode_token`` writes names nobody.
"""

import jwt
import pytest

from tests.api.conftest import assert_problem, bearer
from tests.conftest import JWT_SECRET_KEY

KEY = JWT_SECRET_KEY


def _resigned(token: str, **changes) -> str:
    claims = jwt.decode(token, KEY, algorithms=["HS256"])
    return jwt.encode({**claims, **changes}, KEY, algorithm="HS256")


BAD_SUBJECTS = ["²", "١", "01", "+1", "1 ", "2147483648", "99999999999999999999999", "-1", ""]


@pytest.mark.parametrize("sub", BAD_SUBJECTS)
def test_an_access_token_whose_sub_is_not_a_user_id_is_401(client, customer_tokens, sub):
    token = _resigned(customer_tokens["access_token"], sub=sub)
    assert_problem(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


@pytest.mark.parametrize("sub", BAD_SUBJECTS)
def test_a_refresh_token_whose_sub_is_not_a_user_id_is_401(client, customer_tokens, sub):
    token = _resigned(customer_tokens["refresh_token"], sub=sub)
    response = client.post("/api/auth/refresh", json={"refresh_token": token})
    assert_problem(response, 401, "invalid_token")
    # The real refresh token was not spent by the attempt.
    response = client.post(
        "/api/auth/refresh", json={"refresh_token": customer_tokens["refresh_token"]}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("sub", ["2147483648", "99999999999999999999999"])
def test_logout_with_a_refresh_token_naming_no_user_still_ends_your_session(
    client, customer_tokens, sub
):
    headers = bearer(customer_tokens["access_token"])
    token = _resigned(customer_tokens["refresh_token"], sub=sub)
    response = client.post("/api/auth/logout", json={"refresh_token": token}, headers=headers)
    assert response.status_code == 204
    assert client.get("/api/users/me", headers=headers).status_code == 401
