"""A service's transaction boundary composes: nested calls join, nothing is lost silently."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, select

from storefront.extensions import db
from storefront.models import Category, User
from storefront.services import accounts
from storefront.services._tx import UnsavedChanges, write_transaction
from storefront.services.errors import DuplicateEmail


def _committed_count(model, app) -> int:
    """What another connection sees: only committed rows."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_a_service_called_inside_a_transaction_keeps_the_outer_flushed_row(app):
    # The sequence that once lost the first row without a word.
    with write_transaction() as session:
        session.add(Category(name="Kept", slug="kept"))
        session.flush()
        accounts.register("inner@example.com", "inner-pass-123", "Inner")
    db.session.rollback()
    assert db.session.scalar(select(Category.name)) == "Kept"
    assert db.session.scalar(select(User.email)) == "inner@example.com"


def test_a_nested_service_does_not_commit_the_outer_work(app):
    with write_transaction() as session:
        session.add(Category(name="Pending", slug="pending"))
        session.flush()
        accounts.register("nested@example.com", "nested-pass-123", "Nested")
        # The inner service has returned, yet nothing is visible to others.
        assert _committed_count(User, app) == 0
        assert _committed_count(Category, app) == 0
    assert _committed_count(User, app) == 1
    assert _committed_count(Category, app) == 1


def test_an_outer_failure_rolls_back_what_a_nested_service_wrote(app):
    with pytest.raises(LookupError), write_transaction() as session:
        session.add(Category(name="Doomed", slug="doomed"))
        accounts.register("doomed@example.com", "doomed-pass-123", "Doomed")
        raise LookupError("the outer service fails after the inner one succeeded")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(Category)) == 0


def test_a_nested_refusal_rolls_back_only_its_own_part(app, make_user):
    make_user(email="taken@example.com")
    with write_transaction() as session:
        session.add(Category(name="Survives", slug="survives"))
        session.flush()
        with pytest.raises(DuplicateEmail):
            accounts.register("taken@example.com", "other-pass-123", "Second")
        accounts.register("fresh@example.com", "fresh-pass-123", "Fresh")
    db.session.rollback()
    assert db.session.scalar(select(Category.name)) == "Survives"
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {"taken@example.com", "fresh@example.com"}


def test_flushed_writes_outside_any_service_are_refused_not_dropped(app):
    db.session.add(Category(name="Loose", slug="loose"))
    db.session.flush()
    with pytest.raises(UnsavedChanges):
        accounts.register("after@example.com", "after-pass-123", "After")
    # Nothing was thrown away behind the caller's back: the row is still there to commit.
    db.session.commit()
    assert _committed_count(Category, app) == 1
    assert _committed_count(User, app) == 0


def test_unflushed_writes_outside_any_service_are_refused(app):
    db.session.add(Category(name="Unflushed", slug="unflushed"))
    with pytest.raises(UnsavedChanges):
        accounts.register("late@example.com", "late-pass-123", "Late")
    db.session.rollback()


def test_after_a_commit_a_read_then_a_service_is_fine(app, make_product):
    # A committed service call leaves no mark that would refuse the next one,
    # even once a view has started reading again.
    product = make_product(price=Decimal("2.00"))
    assert db.session.scalar(select(func.count()).select_from(Category)) == 1
    assert db.session().in_transaction()
    accounts.register("next@example.com", "next-pass-123", "Next")
    assert db.session.scalar(select(User.email)) == "next@example.com"
    assert product.id == 1


@pytest.mark.postgres_only
def test_a_service_after_a_statement_that_failed_and_was_caught_still_writes(app):
    # A view may catch a database error and go on (a search with a bad pattern, say):
    # the transaction it leaves has failed at the server, and a service must not go on
    # in it ("current transaction is aborted"), but begin afresh.
    from sqlalchemy import text
    from sqlalchemy.exc import DataError

    with pytest.raises(DataError):
        db.session.execute(text("SELECT 1 / 0"))
    user = accounts.register("after@example.com", "after-pass-123", "After")
    db.session.rollback()
    assert db.session.get(User, user.id).email == "after@example.com"


@pytest.mark.postgres_only
def test_at_repeatable_read_a_service_does_not_go_on_in_the_readers_snapshot(
    make_app, make_product
):
    # The read transaction's snapshot is older than a change another connection
    # committed since; going on in it, the service would be refused ("could not
    # serialize access") or read stale rows. At any level but read committed it
    # begins afresh.
    from storefront.models import Product
    from storefront.services import catalog, inventory

    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "REPEATABLE READ"})
    with app.app_context():
        product = make_product(stock=5)
        product_id = product.id
        db.session.rollback()
        assert db.session.get(Product, product_id).stock_quantity == 5  # the snapshot
        with create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).connect() as other:
            other.execute(
                Product.__table__.update()
                .where(Product.__table__.c.id == product_id)
                .values(name="Renamed elsewhere")
            )
            other.commit()
        inventory.adjust_stock(product_id, 2, "found two", None)
        db.session.rollback()
        saved = catalog.get_product(product_id, include_inactive=True)
        assert (saved.name, saved.stock_quantity) == ("Renamed elsewhere", 7)
