"""CSV export and import through the API (admin only), and the back office's pages."""

from __future__ import annotations

import csv
import io

from tests.unit.test_catalog_csv import to_file
from tests.web.test_admin_access import log_in


def test_an_admin_exports_and_a_dry_run_import_of_it_changes_nothing(
    client, as_admin, make_product
):
    make_product(name="Mug", stock=3)
    response = client.get("/api/products/export.csv", headers=as_admin)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["name"], r["stock"]) for r in rows] == [("Mug", "3")]
    rows[0]["stock"] = "5"
    dry = client.post(
        "/api/products/import?dry_run=true",
        data={"file": (to_file(rows), "products.csv")},
        headers=as_admin,
    )
    assert dry.status_code == 200
    body = dry.get_json()
    assert body["applied"] is False and body["summary"]["update"] == 1
    assert body["rows"][0]["changes"] == ["stock 3 → 5"]
    real = client.post(
        "/api/products/import", data={"file": (to_file(rows), "p.csv")}, headers=as_admin
    )
    assert real.status_code == 200 and real.get_json()["applied"] is True
    assert client.get("/api/products").get_json()["items"][0]["stock_quantity"] == 5


def test_a_refused_import_is_422_problem_with_the_rows(client, as_admin, make_product):
    make_product(name="Mug", stock=3)
    rows = [{"name": "Bad", "price": "1.999", "sku": "B-1", "stock": "2"}]
    response = client.post(
        "/api/products/import", data={"file": (to_file(rows), "p.csv")}, headers=as_admin
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "import_refused" and body["rows"][0]["action"] == "refuse"
    missing = client.post("/api/products/import", data={}, headers=as_admin)
    assert missing.status_code == 422


def test_customers_and_guests_can_neither_export_nor_import(client, as_customer):
    assert client.get("/api/products/export.csv").status_code == 401
    assert client.get("/api/products/export.csv", headers=as_customer).status_code == 403
    upload = {"file": (to_file([]), "p.csv")}
    assert client.post("/api/products/import", data=upload, headers=as_customer).status_code == 403


def test_the_import_page_checks_then_imports(client, admin, make_product):
    make_product(name="Mug", stock=3)
    log_in(client, admin)
    export = client.get("/admin/products/export.csv")
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    rows[0]["stock"] = "8"
    page = client.post(
        "/admin/products/import",
        data={"file": (to_file(rows), "p.csv"), "action": "check"},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "0 to create, 1 to update, 0 unchanged, 0 refused." in html
    assert "stock 3 → 8" in html
    done = client.post(
        "/admin/products/import",
        data={"file": (to_file(rows), "p.csv"), "action": "import"},
        content_type="multipart/form-data",
    )
    assert done.status_code == 303
    rows[0]["category"] = "Nowhere"
    refused = client.post(
        "/admin/products/import",
        data={"file": (to_file(rows), "p.csv"), "action": "import"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "No category is named “Nowhere”." in refused.get_data(as_text=True)


def test_customers_cannot_reach_the_import_page(client, customer):
    log_in(client, customer)
    assert client.get("/admin/products/import").status_code == 403
    assert client.get("/admin/products/export.csv").status_code == 403
