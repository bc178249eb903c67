"""Commands: ``flask --app wsgi create-admin | seed-demo | check-stock | check-orders``."""

from __future__ import annotations

import random
import secrets
import sys
from decimal import Decimal
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from .extensions import db
from .models import Product, User
from .services import accounts, catalog, categories, inventory, orders, variants
from .services.errors import DomainError

DEMO_CATALOG: dict[str, list[tuple[str, str]]] = {
    "Books": [
        ("Field Guide to Birds", "Every common bird of the region, with colour plates."),
        ("The Patient Gardener", "Growing vegetables on a balcony, season by season."),
        ("Rivers of the Delta", "A history of the great rivers and the people who live by them."),
        ("Learning Python", "A gentle, thorough introduction to programming."),
        ("Night Trains", "Short stories set on overnight journeys."),
        ("Kitchen Basics", "One hundred recipes that teach the techniques behind them."),
    ],
    "Electronics": [
        ("Wireless Earbuds", "Bluetooth 5.3 earbuds with a charging case and 24 hours of play."),
        ("USB-C Charger 65W", "Charges a laptop, a tablet and a phone from one plug."),
        ("Mechanical Keyboard", "Tenkeyless keyboard with quiet tactile switches."),
        ("Portable Speaker", "Water-resistant speaker with a twelve-hour battery."),
        ("Power Bank 20000mAh", "Two USB-C ports and fast charging."),
        ("Webcam 1080p", "A clear picture for calls, with a privacy shutter."),
    ],
    "Home & Kitchen": [
        ("Cast Iron Skillet", "Pre-seasoned 26 cm pan that lasts a lifetime."),
        ("Ceramic Mug Set", "Four stoneware mugs, dishwasher safe."),
        ("Bamboo Cutting Board", "Large board with a juice groove."),
        ("Glass Storage Jars", "Set of six airtight jars for the pantry."),
        ("Steel Water Bottle", "Keeps drinks cold for a day, hot for twelve hours."),
        ("Linen Tea Towels", "Three absorbent towels in natural linen."),
    ],
    "Clothing": [
        ("Cotton T-Shirt", "Soft, heavy cotton in a relaxed fit."),
        ("Rain Jacket", "Light, packable and fully waterproof."),
        ("Wool Socks", "Warm merino socks, pack of three."),
        ("Canvas Tote Bag", "Sturdy everyday bag with an inside pocket."),
        ("Linen Shirt", "Breathable shirt for hot days."),
        ("Knitted Beanie", "Warm ribbed hat in soft wool."),
    ],
    "Sports": [
        ("Yoga Mat", "Non-slip 6 mm mat with a carrying strap."),
        ("Skipping Rope", "Adjustable rope with ball-bearing handles."),
        ("Football", "Size 5 match ball."),
        ("Resistance Bands", "Five bands of graded strength."),
        ("Cricket Bat", "Kashmir willow bat, full size."),
        ("Badminton Set", "Two rackets and three shuttlecocks."),
    ],
}


def register_cli(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_demo_orders_command)
    app.cli.add_command(check_stock_command)
    app.cli.add_command(check_orders_command)
    app.cli.add_command(demo_admin_command)
    app.cli.add_command(deliver_email_command)
    app.cli.add_command(import_products_command)
    app.cli.add_command(export_products_command)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="", show_default=False)
def create_admin_command(email: str, password: str, full_name: str) -> None:
    """Create an administrator account."""
    try:
        user = accounts.create_admin(email, password, full_name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created admin {user.email} (id {user.id}).")


# Demo clothing comes in sizes and colours: (options, whether one variant costs more).
DEMO_OPTIONS = {
    "Cotton T-Shirt": [("Size", ["S", "M", "L"]), ("Colour", ["Red", "Blue"])],
    "Rain Jacket": [("Size", ["S", "M", "L", "XL"]), ("Colour", ["Yellow", "Navy"])],
    "Linen Shirt": [("Size", ["S", "M", "L"]), ("Colour", ["White", "Sand"])],
    "Wool Socks": [("Size", ["36-40", "41-46"])],
    "Knitted Beanie": [("Colour", ["Grey", "Mustard", "Forest"])],
}


def _give_variants(product, options, rng: random.Random) -> None:
    """Options for a demo product, and stock (and a dearer largest size) per variant."""
    product = variants.set_options(product.id, [list(o) for o in options])
    changes = {}
    for variant in product.variants:
        fields = {"stock_quantity": rng.choice([0, 3, 6, 10, 14])}
        if variant.option_values and variant.option_values[0] in ("L", "XL"):
            fields["price"] = product.price + Decimal("2.00")
        changes[variant.id] = fields
    variants.update_variants(product.id, changes)


def _demo_items(count: int):
    names = [(cat, name, desc) for cat, items in DEMO_CATALOG.items() for name, desc in items]
    for i in range(count):
        category, name, description = names[i % len(names)]
        edition = i // len(names)
        yield category, (name if edition == 0 else f"{name} ({edition + 1})"), description


@click.command("seed-demo")
@click.option("--products", "count", default=30, show_default=True, type=click.IntRange(1, 10000))
@click.option("--images/--no-images", default=True, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the catalog has products.")
def seed_demo_command(count: int, images: bool, if_empty: bool) -> None:
    """Fill the catalog with demo products. Running it again adds nothing twice."""
    from . import demo_images
    from .services import images as image_service

    existing = set(db.session.scalars(select(Product.name)))
    if if_empty and existing:
        click.echo(f"The catalog has {len(existing)} products; not seeding.")
        return
    rng = random.Random(42)
    created = 0
    with click.progressbar(list(_demo_items(count)), label="Seeding demo catalog") as bar:
        for index, (category, name, description) in enumerate(bar):
            if name in existing:
                continue
            price = Decimal(rng.randrange(150, 2500_00)) / 100
            stock = rng.choice([0, 2, 4, 8, 15, 25, 40, 60])
            options = DEMO_OPTIONS.get(name)
            fields = dict(
                name=name,
                price=price,
                stock_quantity=0 if options else stock,
                description=description,
                category_id=categories.ensure_category(category).id,
            )
            if images:
                # Two or three pictures each (JPEG, which stores far faster than PNG) of
                # the object the product is, in its colours when it comes in several.
                colours = dict(options or []).get("Colour") or [None]
                pictures = [
                    image_service.Upload(
                        f"{name} {k + 1}.jpg",
                        demo_images.product_picture(
                            name, index * 10 + k, category, colours[k % len(colours)]
                        ),
                    )
                    for k in range(max(2 + index % 2, len(colours)))
                ]
                product = image_service.create_product_with_images(pictures, **fields)
            else:
                product = catalog.create_product(**fields)
            if options:
                _give_variants(product, options, rng)
            created += 1
    total = db.session.scalar(select(func.count(Product.id)))
    click.echo(f"Created {created} demo products; the catalog has {total}.")


@click.command("seed-demo-orders")
@click.option("--orders", "count", default=60, show_default=True, type=click.IntRange(1, 1000))
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 366))
@click.option("--if-empty", is_flag=True, help="Do nothing when the store has orders.")
def seed_demo_orders_command(count: int, days: int, if_empty: bool) -> None:
    """Past orders from demo customers through the real checkout, over the last days
    (see storefront/demo_orders.py): the dashboard then shows a shop with sales."""
    from . import demo_orders

    if if_empty and demo_orders.store_has_orders():
        click.echo("The store has orders; not seeding past orders.")
        return
    if not db.session.scalar(select(func.count(Product.id))):
        raise click.ClickException("The catalog is empty: run seed-demo first.")
    seeded = demo_orders.seed_past_orders(count, days)
    click.echo(
        f"Placed {seeded.created} past orders from {len(demo_orders.DEMO_CUSTOMERS)} demo "
        f"customers over the last {days} days"
        + (f"; {seeded.skipped} found nothing in stock." if seeded.skipped else ".")
    )


@click.command("check-stock")
def check_stock_command() -> None:
    """Verify that no stock is negative and every stock equals its ledger's sum."""
    problems = inventory.stock_discrepancies()
    for p in problems:
        click.echo(
            f"product {p['product_id']} ({p['name']}): stock {p['stock']}, "
            f"ledger sum {p['ledger_sum']}",
            err=True,
        )
    if problems:
        click.echo(f"{len(problems)} product(s) break the stock invariants.", err=True)
        sys.exit(1)
    click.echo("Stock is consistent: no negative stock, every stock equals its ledger.")


@click.command("check-orders")
def check_orders_command() -> None:
    """Verify every order's money: total = subtotal - discount + shipping, and lines add up."""
    problems = orders.order_discrepancies()
    for p in problems:
        click.echo(f"order {p['order_id']}: " + "; ".join(p["reasons"]), err=True)
    if problems:
        click.echo(f"{len(problems)} order(s) do not add up.", err=True)
        sys.exit(1)
    click.echo("Orders add up: total = subtotal - discount + shipping, lines = subtotal.")


DEMO_ADMIN_EMAIL = "admin@example.com"


@click.command("demo-admin")
@click.option(
    "--base-url", default="http://127.0.0.1:5000", show_default=True, help="Where the store runs."
)
def demo_admin_command(base_url: str) -> None:
    """Make sure a demo admin exists; print where the shop, back office and API docs are,
    and the admin's login (kept in the instance folder: email, then password)."""
    from flask import current_app

    secret_file = Path(current_app.instance_path) / "demo_admin.txt"
    user = db.session.scalar(select(User).where(User.email == DEMO_ADMIN_EMAIL))
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        accounts.create_admin(DEMO_ADMIN_EMAIL, password, "Demo Admin")
    elif secret_file.exists():
        password = secret_file.read_text().split()[-1]  # an older file held the password alone
    if password is not None:
        secret_file.write_text(f"{DEMO_ADMIN_EMAIL}\n{password}\n")
        secret_file.chmod(0o600)
    base = base_url.rstrip("/")
    click.echo(f"Shop:        {base}/")
    click.echo(f"Back office: {base}/admin/")
    click.echo(f"API docs:    {base}/api/docs")
    if password is None:
        click.echo(f"Demo admin:  {DEMO_ADMIN_EMAIL} (its password was set elsewhere)")
    else:
        click.echo(f"Demo admin:  {DEMO_ADMIN_EMAIL} / {password} (also in {secret_file})")


@click.command("deliver-email")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
def deliver_email_command(once: bool) -> None:
    """Deliver the outbox: runs until stopped (SIGTERM or Ctrl-C ends it between messages).

    Any number of these may run, on any number of hosts: each message is
    claimed by one of them (see storefront/services/outbox.py).
    """
    import signal
    import threading

    from flask import current_app

    from . import mail
    from .services import outbox

    stop = threading.Event()

    def request_stop(_signum, _frame):
        stop.set()

    previous = signal.signal(signal.SIGTERM, request_stop)

    def tell(envelope, outcome, detail):
        if outcome == "sent":
            click.echo(f"mail {envelope.id} to {envelope.to_address}: sent to {detail}")
        else:
            click.echo(
                f"mail {envelope.id} to {envelope.to_address}: {outcome}: {detail}", err=True
            )

    click.echo(f"Delivering mail to {mail.describe_transport()}.")
    poll = current_app.config.get("MAIL_POLL_SECONDS", 2)
    try:
        while not stop.is_set():
            report = outbox.deliver_due(should_stop=stop.is_set, on_outcome=tell)
            db.session.remove()
            if once:
                click.echo(
                    f"Sent {report.sent}; {report.retrying} will be retried; "
                    f"{report.failed} failed for good."
                )
                break
            if report.tried == 0:
                stop.wait(poll)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command("import-products")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check every row; change nothing.")
def import_products_command(file, dry_run: bool) -> None:
    """Import a catalog CSV (the export's columns): checked whole, then applied in one
    transaction, or not at all when a row is refused."""
    from .services import catalog_csv

    rows = max(sum(1 for _ in file) - 1, 0)
    file.seek(0)
    with click.progressbar(length=rows, label="Importing products") as bar:
        try:
            report = catalog_csv.import_products(file, dry_run=dry_run, progress=bar.update)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
    for row in report.refused:
        click.echo(f"line {row.line} ({row.sku or row.name}): " + " ".join(row.reasons), err=True)
    counts = ", ".join(f"{n} {action}" for action, n in report.summary.items())
    if report.refused:
        click.echo(f"Nothing imported: {counts}.", err=True)
        sys.exit(1)
    click.echo(("Imported: " if report.applied else "Checked (nothing changed): ") + counts + ".")


@click.command("export-products")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
def export_products_command(file) -> None:
    """Write the catalog as CSV (one row per variant) to FILE, or to standard output."""
    from .services import catalog_csv

    for chunk in catalog_csv.export_csv():
        file.write(chunk)
