"""/api/auth and the token rules of api.md's "Tokens" part."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from storefront.services import accounts, tokens
from tests.api.conftest import assert_problem, bearer, error_fields
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD, JWT_SECRET_KEY, SECRET_KEY

SECRET = JWT_SECRET_KEY


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def forge(user, *, token_type="access", fid=None, key=SECRET, algorithm="HS256", **over):
    now = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "role": user.role,
        "type": token_type,
        "jti": uuid.uuid4().hex,
        "fid": fid or uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        **over,
    }
    return jwt.encode(claims, key, algorithm=algorithm)


# --- register -------------------------------------------------------------------


def test_register_creates_a_customer(client):
    response = client.post(
        "/api/auth/register",
        json={"email": "New@Example.com", "password": "long-enough-1", "full_name": "New Person"},
    )
    assert response.status_code == 201
    user = response.get_json()
    assert user["email"] == "new@example.com"
    assert user["role"] == "customer"
    assert user["is_active"] is True
    assert user["order_cancellation_count"] == 0
    assert user["created_at"].endswith("+00:00")
    assert "password" not in str(user) and "hash" not in str(user)


def test_register_with_role_customer_is_fine(client):
    response = client.post(
        "/api/auth/register",
        json={"email": "c@example.com", "password": "long-enough-1", "role": "customer"},
    )
    assert response.status_code == 201


def test_register_refuses_unknown_role_bad_email_and_short_password(client):
    response = client.post(
        "/api/auth/register",
        json={"email": "x@example.com", "password": "long-enough", "role": "x"},
    )
    assert error_fields(response) == {"role"}
    response = client.post("/api/auth/register", json={"email": "nope", "password": "long-enough"})
    assert error_fields(response) == {"email"}
    response = client.post(
        "/api/auth/register", json={"email": "x@example.com", "password": "short"}
    )
    assert error_fields(response) == {"password"}
    response = client.post("/api/auth/register", json={})
    assert error_fields(response) == {"email", "password"}


def test_register_refuses_a_duplicate_email(client, customer):
    response = client.post(
        "/api/auth/register", json={"email": customer.email.upper(), "password": "long-enough-1"}
    )
    assert_problem(response, 409, "duplicate_email")


def test_only_an_admin_registers_an_admin(client, as_customer, as_admin):
    body = {"email": "a2@example.com", "password": "long-enough-1", "role": "admin"}
    assert_problem(client.post("/api/auth/register", json=body), 403)
    assert_problem(client.post("/api/auth/register", json=body, headers=as_customer), 403)
    response = client.post("/api/auth/register", json=body, headers=as_admin)
    assert response.status_code == 201
    assert response.get_json()["role"] == "admin"


def test_register_with_a_bad_token_is_401(client):
    response = client.post(
        "/api/auth/register",
        json={"email": "z@example.com", "password": "long-enough-1"},
        headers=bearer("garbage"),
    )
    assert_problem(response, 401, "invalid_token")


# --- login ----------------------------------------------------------------------


def test_login_returns_both_tokens_with_the_listed_claims(client, customer, app):
    response = client.post(
        "/api/auth/login", json={"email": customer.email, "password": CUSTOMER_PASSWORD}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    assert body["user"]["id"] == customer.id
    access, refresh = claims_of(body["access_token"]), claims_of(body["refresh_token"])
    for claims, kind in ((access, "access"), (refresh, "refresh")):
        assert set(claims) == {"sub", "role", "type", "jti", "fid", "iat", "exp"}
        assert claims["sub"] == str(customer.id)
        assert claims["role"] == "customer"
        assert claims["type"] == kind
    assert access["fid"] == refresh["fid"]
    assert access["jti"] != refresh["jti"]
    assert access["exp"] - access["iat"] == 30 * 60
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"


def test_login_accepts_the_oauth2_password_form(client, admin):
    response = client.post(
        "/api/auth/login",
        data={
            "grant_type": "password",
            "username": admin.email,
            "password": ADMIN_PASSWORD,
            "scope": "",
            "client_id": "",
        },
    )
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == "admin"


def test_login_form_with_another_grant_type_is_422(client, admin):
    response = client.post(
        "/api/auth/login",
        data={"grant_type": "client_credentials", "username": admin.email, "password": "x"},
    )
    assert error_fields(response) == {"grant_type"}


def test_wrong_password_and_unknown_email_get_the_same_401(client, customer):
    wrong = client.post("/api/auth/login", json={"email": customer.email, "password": "wrong-pw"})
    unknown = client.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": "wrong-pw"}
    )
    a, b = assert_problem(wrong, 401), assert_problem(unknown, 401)
    assert a["detail"] == b["detail"] and a["code"] == b["code"]
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")


def test_right_password_for_a_deactivated_account_is_403(client, make_user):
    user = make_user("customer", email="gone@example.com", active=False)
    response = client.post(
        "/api/auth/login", json={"email": user.email, "password": CUSTOMER_PASSWORD}
    )
    body = assert_problem(response, 403, "account_deactivated")
    assert "deactivated" in body["detail"]


def test_login_refuses_missing_fields(client):
    assert error_fields(client.post("/api/auth/login", json={"email": "a@b.c"})) == {"password"}


# --- using tokens ---------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/users/me")
    assert_problem(response, 401, "missing_token")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="storefront"'


def test_another_scheme_is_401(client):
    response = client.get("/api/users/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(response, 401, "invalid_token")


def test_expired_access_token_is_401(client, customer, customer_tokens):
    fid = claims_of(customer_tokens["access_token"])["fid"]
    past = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    token = forge(customer, fid=fid, iat=past - 60, exp=past)
    response = client.get("/api/users/me", headers=bearer(token))
    body = assert_problem(response, 401, "invalid_token")
    assert "expired" in body["detail"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_token_signed_with_another_key_is_401(client, customer, customer_tokens):
    fid = claims_of(customer_tokens["access_token"])["fid"]
    token = forge(customer, fid=fid, key="another-key-that-is-also-long-enough-for-hs")
    assert_problem(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_token_signed_with_the_session_key_is_401(client, customer, customer_tokens):
    # The browser's SECRET_KEY signs cookies only: it cannot mint an API token.
    fid = claims_of(customer_tokens["access_token"])["fid"]
    token = forge(customer, fid=fid, key=SECRET_KEY)
    assert_problem(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_rotating_the_session_key_keeps_api_tokens_and_the_other_way(make_app, customer):
    app = make_app()
    browser, api = app.test_client(), app.test_client()
    browser.post("/login", data={"email": customer.email, "password": CUSTOMER_PASSWORD})
    assert browser.get("/account").status_code == 200
    access = api.post(
        "/api/auth/login", json={"email": customer.email, "password": CUSTOMER_PASSWORD}
    ).get_json()["access_token"]

    new_session_key = make_app(SECRET_KEY="a-rotated-session-key-that-is-long-enough")
    assert (
        new_session_key.test_client().get("/api/users/me", headers=bearer(access)).status_code
        == 200
    )

    new_jwt_key = make_app(JWT_SECRET_KEY="a-rotated-jwt-key-that-is-long-enough-too")
    moved = new_jwt_key.test_client()
    moved.set_cookie("session", browser.get_cookie("session").value)
    assert moved.get("/account").status_code == 200
    assert moved.get("/api/users/me", headers=bearer(access)).status_code == 401


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_token_with_another_algorithm_is_401(client, customer, customer_tokens):
    fid = claims_of(customer_tokens["access_token"])["fid"]
    token = forge(customer, fid=fid, algorithm="HS512")
    assert_problem(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_alg_none_token_is_401(client, customer, customer_tokens):
    fid = claims_of(customer_tokens["access_token"])["fid"]
    token = forge(customer, fid=fid, key=None, algorithm="none")
    assert jwt.get_unverified_header(token)["alg"] == "none"
    assert_problem(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_a_token_naming_an_unknown_family_is_401(client, customer):
    token = forge(customer)  # right key, but no such login
    assert_problem(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_refresh_token_never_works_as_an_access_token(client, customer_tokens):
    response = client.get("/api/users/me", headers=bearer(customer_tokens["refresh_token"]))
    assert_problem(response, 401, "invalid_token")


def test_access_token_does_not_buy_new_tokens(client, customer_tokens):
    response = client.post(
        "/api/auth/refresh", json={"refresh_token": customer_tokens["access_token"]}
    )
    assert_problem(response, 401, "invalid_token")


def test_refresh_rotates_and_the_old_refresh_token_stops_working(client, customer_tokens):
    first = client.post(
        "/api/auth/refresh", json={"refresh_token": customer_tokens["refresh_token"]}
    )
    assert first.status_code == 200
    pair = first.get_json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert pair["refresh_token"] != customer_tokens["refresh_token"]
    assert (
        claims_of(pair["access_token"])["fid"] == claims_of(customer_tokens["access_token"])["fid"]
    )
    assert client.get("/api/users/me", headers=bearer(pair["access_token"])).status_code == 200
    again = client.post(
        "/api/auth/refresh", json={"refresh_token": customer_tokens["refresh_token"]}
    )
    assert_problem(again, 401, "invalid_token")


def test_refresh_reuse_revokes_the_whole_family(client, customer_tokens, login, customer):
    old_refresh = customer_tokens["refresh_token"]
    pair = client.post("/api/auth/refresh", json={"refresh_token": old_refresh}).get_json()
    other_session = login(customer.email, CUSTOMER_PASSWORD)
    # The stolen (already used) refresh token comes back:
    assert_problem(client.post("/api/auth/refresh", json={"refresh_token": old_refresh}), 401)
    # ... and every token of that family is dead, the new ones included.
    for token in (customer_tokens["access_token"], pair["access_token"]):
        assert_problem(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")
    assert_problem(
        client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401
    )
    # Another login of the same person is another family and still works.
    assert (
        client.get("/api/users/me", headers=bearer(other_session["access_token"])).status_code
        == 200
    )


def test_refresh_for_a_deactivated_user_is_401(client, customer, customer_tokens):
    accounts.deactivate_user(customer.id)
    response = client.post(
        "/api/auth/refresh", json={"refresh_token": customer_tokens["refresh_token"]}
    )
    assert_problem(response, 401, "invalid_token")


def test_refresh_needs_a_token(client):
    assert error_fields(client.post("/api/auth/refresh", json={})) == {"refresh_token"}
    assert_problem(client.post("/api/auth/refresh", json={"refresh_token": "x.y.z"}), 401)


def test_logout_revokes_the_family_on_every_server(client, make_app, customer, customer_tokens):
    refreshed = client.post(
        "/api/auth/refresh", json={"refresh_token": customer_tokens["refresh_token"]}
    ).get_json()
    headers = bearer(refreshed["access_token"])
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    # Another process (another app on the same database) refuses it too.
    other_server = make_app().test_client()
    for c in (client, other_server):
        assert_problem(c.get("/api/users/me", headers=headers), 401)
        assert_problem(c.get("/api/users/me", headers=bearer(customer_tokens["access_token"])), 401)
        assert_problem(
            c.post("/api/auth/refresh", json={"refresh_token": refreshed["refresh_token"]}), 401
        )


def test_logout_also_revokes_a_refresh_token_given_in_the_body(client, customer, login):
    one = login(customer.email, CUSTOMER_PASSWORD)
    two = login(customer.email, CUSTOMER_PASSWORD)
    response = client.post(
        "/api/auth/logout",
        json={"refresh_token": two["refresh_token"]},
        headers=bearer(one["access_token"]),
    )
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_problem(client.get("/api/users/me", headers=bearer(two["access_token"])), 401)


def test_logout_ignores_someone_elses_refresh_token(client, customer_tokens, admin_tokens):
    response = client.post(
        "/api/auth/logout",
        json={"refresh_token": admin_tokens["refresh_token"]},
        headers=bearer(customer_tokens["access_token"]),
    )
    assert response.status_code == 204
    assert (
        client.get("/api/users/me", headers=bearer(admin_tokens["access_token"])).status_code == 200
    )


def test_logout_needs_an_access_token(client, customer_tokens):
    assert_problem(client.post("/api/auth/logout"), 401)
    response = client.post("/api/auth/logout", headers=bearer(customer_tokens["refresh_token"]))
    assert_problem(response, 401)


def test_deactivated_user_is_refused_on_the_next_request(client, customer, as_customer):
    assert client.get("/api/users/me", headers=as_customer).status_code == 200
    accounts.deactivate_user(customer.id)
    assert_problem(client.get("/api/users/me", headers=as_customer), 401, "invalid_token")


def test_role_is_read_from_the_database_not_the_token(client, admin, as_admin, app):
    assert client.get("/api/users", headers=as_admin).status_code == 200
    from storefront.extensions import db

    admin.role = "customer"  # demoted while holding an admin token
    db.session.commit()
    assert_problem(client.get("/api/users", headers=as_admin), 403)
    assert client.get("/api/users/me", headers=as_admin).get_json()["role"] == "customer"


def test_a_session_cookie_never_authenticates_the_api(client, customer):
    with client.session_transaction() as session:
        session["_user_id"] = customer.get_id()
        session["_fresh"] = True
    assert_problem(client.get("/api/users/me"), 401, "missing_token")
    assert_problem(client.get("/api/cart"), 401)


def test_purge_removes_expired_and_revoked_families(app, customer, runner):
    live = tokens.issue_tokens(customer.id)
    dead = tokens.issue_tokens(customer.id)
    tokens.revoke_families(customer.id, {claims_of(dead.access_token)["fid"]})
    result = tokens.purge_expired()
    assert result.families == 1 and result.refresh_tokens == 1
    later = datetime.now(UTC) + timedelta(days=8)
    assert tokens.purge_expired(later).families == 1
    with pytest.raises(tokens.InvalidToken):
        tokens.authenticate_access_token(live.access_token)
    out = runner.invoke(args=["purge-tokens"])
    assert out.exit_code == 0 and "Purged 0 token families" in out.output
