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


def test_logout_deletes_the_remember_me_cookie(client, customer):
    response = client.post(
        "/login", data={"email": customer.email, "password": CUSTOMER_PASSWORD, "remember": "y"}
    )
    assert "remember_token" in _cookies(response)
    assert client.get_cookie("remember_token") is not None

    response = client.post("/logout")

    assert response.status_code == 303
    deletion = _cookies(response)["remember_token"]
    assert "remember_token=;" in deletion and "Expires=Thu, 01 Jan 1970" in deletion
    assert client.get_cookie("remember_token") is None
    # The browser is closed (its session cookie gone) and opened by the next person:
    # whatever cookie is left does not log anyone in.
    client.delete_cookie("session")
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_remember_me_keeps_the_shopper_logged_in_after_the_browser_restarts(client, customer):
    client.post(
        "/login", data={"email": customer.email, "password": CUSTOMER_PASSWORD, "remember": "y"}
    )
    client.delete_cookie("session")  # the browser closed: only the remember-me cookie is left

    # Not for one page only: every page after it, as the same shopper.
    for _ in range(3):
        response = client.get("/account")
        assert response.status_code == 200, response.headers.get("Location")
        assert customer.email in response.get_data(as_text=True)
    assert client.get_cookie("remember_token") is not None
