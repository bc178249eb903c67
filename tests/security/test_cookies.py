"""Both browser credentials, the session and the remember-me cookie, are guarded alike."""

import pytest

from tests.conftest import CUSTOMER_PASSWORD


def _cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("secure", [True, False])
def test_the_remember_me_cookie_is_secure_when_the_session_cookie_is(make_app, customer, secure):
    app = make_app(SESSION_COOKIE_SECURE=secure)
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": customer.email, "password": CUSTOMER_PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    assert response.status_code == 303
    cookies = _cookies(response)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]
        assert ("; Secure" in cookies[name]) is secure, cookies[name]
