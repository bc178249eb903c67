"""Accounts: registration, authentication, profile changes, deactivation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import User
from storefront.services import accounts
from storefront.services.errors import (
    AccountDeactivated,
    AuthenticationFailed,
    CannotActOnSelf,
    DuplicateEmail,
    NotFound,
    ValidationError,
)

PASSWORD = "long-enough-1"


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_registration_creates_a_customer_with_a_normalised_email(app):
    user = accounts.register("  Mixed.Case@Example.COM ", PASSWORD, "  Rina Das ")
    assert user.email == "mixed.case@example.com"
    assert user.full_name == "Rina Das"
    assert user.role == "customer"
    assert user.is_active is True
    assert user.order_cancellation_count == 0
    assert user.password_hash.startswith("$2")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    "again", ["shopper@example.com", "SHOPPER@Example.com", "  shopper@example.com  "]
)
def test_a_second_account_with_the_same_email_in_any_case_is_refused(app, again):
    accounts.register("Shopper@example.com", PASSWORD)
    with pytest.raises(DuplicateEmail) as info:
        accounts.register(again, PASSWORD)
    assert info.value.field == "email"
    assert user_count() == 1


@pytest.mark.parametrize("email", ["", "not-an-email", "a@", "@example.com", "a b@example.com"])
def test_registration_refuses_an_invalid_email(app, email):
    with pytest.raises(ValidationError) as info:
        accounts.register(email, PASSWORD)
    assert info.value.field == "email"
    assert user_count() == 0


def test_registration_refuses_an_unknown_role(app):
    with pytest.raises(ValidationError):
        accounts.register("x@example.com", PASSWORD, role="superuser")


def test_a_short_password_is_refused_and_eight_characters_are_enough(app):
    with pytest.raises(ValidationError, match="at least 8") as info:
        accounts.register("short@example.com", "1234567")
    assert info.value.field == "password"
    accounts.register("short@example.com", "12345678")
    assert accounts.authenticate("short@example.com", "12345678")


@pytest.mark.parametrize(
    "too_long",
    ["é" * 37, "😀" * 19, "a" * 73, "a" * 71 + "é"],
    ids=["37-accented-letters", "19-emoji", "73-ascii", "71-ascii-and-one-accent"],
)
def test_a_password_over_72_bytes_is_refused_with_a_clear_message(app, too_long):
    assert len(too_long.encode()) > 72
    with pytest.raises(ValidationError) as info:
        accounts.register("long@example.com", too_long)
    assert info.value.field == "password"
    assert "72 bytes" in info.value.message
    assert user_count() == 0


@pytest.mark.parametrize(
    "exactly_72", ["é" * 36, "😀" * 18, "a" * 72], ids=["accented", "emoji", "ascii"]
)
def test_a_password_of_exactly_72_bytes_is_accepted_and_checked_in_full(app, exactly_72):
    assert len(exactly_72.encode()) == 72
    accounts.register("edge@example.com", exactly_72)
    assert accounts.authenticate("edge@example.com", exactly_72)
    # A password differing only in its last byte does not open the account.
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate("edge@example.com", exactly_72[:-1] + "b")
    # Nor does the same password with more after it (bcrypt would truncate it).
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate("edge@example.com", exactly_72 + "x")


def test_authentication_accepts_the_email_in_any_case(make_user):
    user = make_user(email="reader@example.com", password=PASSWORD)
    assert accounts.authenticate("  READER@example.com ", PASSWORD).id == user.id


def test_wrong_password_and_unknown_email_get_the_same_refusal(make_user):
    make_user(email="reader@example.com", password=PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.authenticate("reader@example.com", "not-the-password")
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.authenticate("nobody@example.com", PASSWORD)
    assert wrong.value.message == unknown.value.message


def test_a_deactivated_user_cannot_log_in_but_a_wrong_password_says_nothing_more(make_user):
    make_user(email="gone@example.com", password=PASSWORD, active=False)
    with pytest.raises(AccountDeactivated):
        accounts.authenticate("gone@example.com", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate("gone@example.com", "wrong-password")


def test_reactivated_user_can_log_in_again(make_user, admin):
    user = make_user(email="back@example.com", password=PASSWORD, active=False)
    accounts.reactivate_user(user.id, actor_id=admin.id)
    assert accounts.authenticate("back@example.com", PASSWORD).id == user.id


# --- update_account ---------------------------------------------------------------


def test_changing_the_name_needs_no_password(make_user):
    user = make_user(password=PASSWORD)
    updated = accounts.update_account(user.id, full_name="  New Name ")
    assert updated.full_name == "New Name"


def test_changing_the_email_needs_the_current_password(make_user):
    user = make_user(email="old@example.com", password=PASSWORD)
    for current in (None, "", "wrong-password"):
        with pytest.raises(ValidationError) as info:
            accounts.update_account(user.id, email="new@example.com", current_password=current)
        assert info.value.field == "current_password"
    assert db.session.get(User, user.id).email == "old@example.com"

    accounts.update_account(user.id, email=" NEW@example.com ", current_password=PASSWORD)
    assert accounts.authenticate("new@example.com", PASSWORD).id == user.id


def test_restating_the_same_email_in_another_case_needs_no_password(make_user):
    user = make_user(email="same@example.com", password=PASSWORD)
    updated = accounts.update_account(user.id, email=" SAME@example.com", full_name="Same")
    assert (updated.email, updated.full_name) == ("same@example.com", "Same")


def test_changing_the_password_needs_the_current_one_and_follows_the_rules(make_user):
    user = make_user(email="pw@example.com", password=PASSWORD)
    with pytest.raises(ValidationError) as info:
        accounts.update_account(user.id, password="brand-new-pass")
    assert info.value.field == "current_password"
    with pytest.raises(ValidationError, match="72 bytes"):
        accounts.update_account(user.id, password="é" * 40, current_password=PASSWORD)
    with pytest.raises(ValidationError, match="at least 8"):
        accounts.update_account(user.id, password="short", current_password=PASSWORD)
    assert accounts.authenticate("pw@example.com", PASSWORD)

    accounts.update_account(user.id, password="brand-new-pass", current_password=PASSWORD)
    assert accounts.authenticate("pw@example.com", "brand-new-pass")
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate("pw@example.com", PASSWORD)


def test_an_email_taken_by_another_account_is_refused_in_any_case(make_user):
    make_user(email="taken@example.com")
    user = make_user(email="mine@example.com", password=PASSWORD)
    with pytest.raises(DuplicateEmail):
        accounts.update_account(user.id, email="TAKEN@example.com", current_password=PASSWORD)
    assert db.session.get(User, user.id).email == "mine@example.com"


def test_updating_an_unknown_account_is_not_found(app):
    with pytest.raises(NotFound):
        accounts.update_account(999, full_name="Ghost")


# --- deactivation and admins --------------------------------------------------------


def test_an_admin_cannot_deactivate_themselves(admin):
    with pytest.raises(CannotActOnSelf):
        accounts.deactivate_user(admin.id, actor_id=admin.id)
    assert db.session.get(User, admin.id).is_active is True


def test_an_admin_deactivates_another_account(admin, customer):
    accounts.deactivate_user(customer.id, actor_id=admin.id)
    assert db.session.get(User, customer.id).is_active is False
    with pytest.raises(NotFound):
        accounts.deactivate_user(999, actor_id=admin.id)


def test_create_admin_makes_an_admin(app):
    user = accounts.create_admin("Chief@Example.com", PASSWORD, "Chief")
    assert (user.email, user.role) == ("chief@example.com", "admin")
    assert user.is_admin


def test_list_users_searches_email_and_name_literally(make_user, admin):
    make_user(email="rina@example.com", full_name="Rina 50% Das")
    make_user(email="karim@example.com", full_name="Karim")
    assert [u.email for u in accounts.list_users(q="RINA").items] == ["rina@example.com"]
    assert [u.email for u in accounts.list_users(q="50%").items] == ["rina@example.com"]
    assert accounts.list_users(q="_").total == 0
    assert [u.email for u in accounts.list_users(role="admin").items] == [admin.email]
    assert accounts.list_users(is_active=False).total == 0
    with pytest.raises(ValidationError):
        accounts.list_users(role="owner")
