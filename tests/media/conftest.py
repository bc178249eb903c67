"""Product images in an S3-compatible bucket: moto's standalone server on a free port.

One server per run; each test gets a bucket of its own and an app whose
``MEDIA_STORAGE`` names it (``MEDIA_PUBLIC_URL`` too when the test asks for
``public_url``), reaching the server with the credentials boto3 reads from the
environment.
"""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import admin_tokens, as_admin, login  # noqa: F401 (fixtures)
from tests.conftest import SeparateContextClient
from tests.processes import s3_server

PREFIX = "media"


@pytest.fixture(scope="session")
def s3():
    with s3_server() as server:
        yield server


@pytest.fixture
def public_url() -> bool:
    """Parametrize to True for an app with MEDIA_PUBLIC_URL at the bucket's public address."""
    return False


@pytest.fixture
def bucket(s3, public_url) -> str:
    name = f"shop-media-{uuid.uuid4().hex[:12]}"
    return s3.create_bucket(name, public_prefix=f"{PREFIX}/" if public_url else None)


@pytest.fixture
def app(make_app, s3, bucket, public_url, monkeypatch):
    for name, value in s3.env.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    settings = {"MEDIA_STORAGE": f"s3://{bucket}/{PREFIX}", "S3_ENDPOINT_URL": s3.url}
    if public_url:
        settings["MEDIA_PUBLIC_URL"] = f"{s3.url}/{bucket}/{PREFIX}"
    app = make_app(**settings)
    app.test_client_class = SeparateContextClient
    with app.app_context():
        yield app


@pytest.fixture
def objects(s3, bucket):
    """The keys in the test's bucket, without the prefix."""

    def listed() -> list[str]:
        return [key.removeprefix(f"{PREFIX}/") for key in s3.keys(bucket)]

    return listed
