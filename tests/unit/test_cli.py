"""The commands: create-admin, seed-demo and check-stock, through Flask's CLI runner."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from storefront.extensions import db
from storefront.models import Category, Product, User
from storefront.services import accounts, images, inventory

from .helpers import ledger_sum


def product_count() -> int:
    return db.session.scalar(select(func.count(Product.id)))


# --- create-admin ------------------------------------------------------------------


def test_create_admin_with_flags_needs_no_prompt(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            " Chief@Example.com ",
            "--password",
            "a-strong-password",
            "--full-name",
            "Chief",
        ],
        input="",
    )
    assert result.exit_code == 0, result.output
    assert "chief@example.com" in result.output
    user = db.session.scalar(select(User).where(User.email == "chief@example.com"))
    assert (user.role, user.full_name) == ("admin", "Chief")
    assert accounts.authenticate("chief@example.com", "a-strong-password").id == user.id


def test_create_admin_refuses_a_duplicate_with_a_non_zero_exit(runner, customer):
    result = runner.invoke(
        args=["create-admin", "--email", "SHOPPER@example.com", "--password", "a-strong-password"]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.get(User, customer.id).role == "customer"


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "--email", "a@example.com", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 8" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


# --- seed-demo -------------------------------------------------------------------------


def test_seed_demo_twice_adds_nothing_the_second_time(runner):
    first = runner.invoke(args=["seed-demo", "--products", "8", "--no-images"])
    assert first.exit_code == 0, first.output
    assert "Created 8 demo products" in first.output
    names = set(db.session.scalars(select(Product.name)))
    categories = db.session.scalar(select(func.count(Category.id)))
    db.session.rollback()

    second = runner.invoke(args=["seed-demo", "--products", "8", "--no-images"])

    assert second.exit_code == 0, second.output
    assert "Created 0 demo products" in second.output
    assert set(db.session.scalars(select(Product.name))) == names
    assert product_count() == 8
    assert categories >= 2
    assert db.session.scalar(select(func.count(Category.id))) == categories
    assert inventory.stock_discrepancies() == []


def test_seed_demo_if_empty_leaves_a_stocked_catalog_alone(runner, make_product):
    make_product(name="Existing")
    result = runner.invoke(args=["seed-demo", "--products", "3", "--no-images", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert product_count() == 1


def test_seed_demo_gives_each_product_an_image_file(runner, app):
    result = runner.invoke(args=["seed-demo", "--products", "2"])
    assert result.exit_code == 0, result.output
    paths = list(db.session.scalars(select(Product.image_path)))
    assert len(paths) == 2 and all(paths)
    for path in paths:
        assert Path(images.media_path(path)).is_file()

    again = runner.invoke(args=["seed-demo", "--products", "2"])
    assert again.exit_code == 0, again.output
    assert list(db.session.scalars(select(Product.image_path))) == paths


def test_seed_demo_gives_each_product_a_gallery_of_two_or_three(runner, app):
    from storefront.models import ProductImage

    result = runner.invoke(args=["seed-demo", "--products", "3"])
    assert result.exit_code == 0, result.output
    for product in db.session.scalars(select(Product)):
        gallery = list(
            db.session.scalars(
                select(ProductImage)
                .where(ProductImage.product_id == product.id)
                .order_by(ProductImage.position)
            )
        )
        assert 2 <= len(gallery) <= 3
        assert product.image_path == gallery[0].path
        assert len({image.path for image in gallery}) == len(gallery)
        for image in gallery:
            assert Path(images.media_path(image.path)).is_file()


# --- check-stock -------------------------------------------------------------------------


def test_check_stock_passes_on_a_consistent_database(runner, make_product, customer, place):
    product = make_product(name="Kettle", stock=5)
    place(customer, (product, 2))
    inventory.adjust_stock(product.id, 4, "delivery")

    result = runner.invoke(args=["check-stock"])

    assert result.exit_code == 0, result.output
    assert "consistent" in result.output


def test_check_stock_fails_and_names_a_product_whose_stock_left_its_ledger(runner, make_product):
    make_product(name="Good Kettle", stock=5)
    broken = make_product(name="Broken Kettle", stock=5)
    db.session.execute(
        text("UPDATE products SET stock_quantity = 7 WHERE id = :id"), {"id": broken.id}
    )
    db.session.commit()

    result = runner.invoke(args=["check-stock"])

    assert result.exit_code != 0
    assert "Broken Kettle" in result.output
    assert f"product {broken.id}" in result.output
    assert "stock 7, ledger sum 5" in result.output
    assert "Good Kettle" not in result.output
    assert ledger_sum(broken.id) == 5


def test_demo_admin_prints_where_everything_is_and_keeps_email_and_password(
    runner, app, tmp_path, monkeypatch
):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # not the developer's instance
    result = runner.invoke(args=["demo-admin", "--base-url", "http://127.0.0.1:5055"])
    assert result.exit_code == 0, result.output
    assert "Shop:        http://127.0.0.1:5055/" in result.output
    assert "Back office: http://127.0.0.1:5055/admin/" in result.output
    assert "API docs:    http://127.0.0.1:5055/api/docs" in result.output
    email, password = (Path(app.instance_path) / "demo_admin.txt").read_text().split()
    assert email == "admin@example.com"
    assert f"Demo admin:  {email} / {password}" in result.output
    # A second run (make run again) prints the same login from the file.
    again = runner.invoke(args=["demo-admin"])
    assert f"{email} / {password}" in again.output
