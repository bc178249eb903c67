"""Where product images are kept: a folder (``MEDIA_ROOT``) or an S3-compatible bucket.

``MEDIA_STORAGE`` unset: files under ``MEDIA_ROOT`` on this host, written
atomically (a temporary file renamed into place). ``MEDIA_STORAGE=s3://bucket/prefix``:
objects ``prefix/<path>`` in that bucket, through boto3, which every host of
the store shares. boto3 finds the credentials and region where it always
does (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``
or ``AWS_REGION``, an instance role...), and the endpoint of a store other
than AWS in ``S3_ENDPOINT_URL`` or boto3's own ``AWS_ENDPOINT_URL``.

A path is relative (``products/<32 hex>.jpg``) and the same in both: the
database stores it, ``storefront/media.py`` serves it at ``/media/<path>``
or from ``MEDIA_PUBLIC_URL``. Names are content addresses, never reused, so
every object is stored with ``Cache-Control: public, max-age=31536000, immutable``.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, abort, current_app, request, send_from_directory

ONE_YEAR = 365 * 24 * 60 * 60
CACHE_CONTROL = f"public, max-age={ONE_YEAR}, immutable"
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
_S3_CLIENT = "storefront.s3_storage"
_CHUNK = 64 * 1024


class StorageError(Exception):
    """The object store failed or did not answer (as a full disk or a lost mount would).

    Not an ``OSError``: image code that reads a broken upload catches ``OSError`` (Pillow's
    word for a bad file), and an outage must never pass for a bad image."""


def content_type(relative: str) -> str:
    return CONTENT_TYPES.get(posixpath.splitext(relative)[1].lower(), "application/octet-stream")


def check_relative(relative: str) -> str:
    """``relative`` if it is a plain relative path (no ``..``, no absolute, no backslash)."""
    if (
        not relative
        or "\0" in relative
        or "\\" in relative
        or relative.startswith("/")
        or any(part in ("", ".", "..") for part in relative.split("/"))
    ):
        raise ValueError(f"not a media path: {relative!r}")
    return relative


@contextlib.contextmanager
def _folder_failure(what: str) -> Iterator[None]:
    """A full disk, a read-only or lost mount: a ``StorageError``, as the bucket's are."""
    try:
        yield
    except OSError as exc:
        raise StorageError(f"MEDIA_ROOT failed {what}: {exc}") from exc


class LocalStorage:
    """Files under a folder: today's layout, and what a front web server may serve."""

    def __init__(self, root: str):
        self.root = os.path.realpath(root)

    def path(self, relative: str) -> str:
        """The absolute path of a file; ``ValueError`` if it would leave the folder
        (by its name, or through a symbolic link)."""
        full = os.path.realpath(os.path.join(self.root, *check_relative(relative).split("/")))
        if full == self.root or os.path.commonpath([self.root, full]) != self.root:
            raise ValueError(f"media path escapes MEDIA_ROOT: {relative!r}")
        return full

    def exists(self, relative: str) -> bool:
        return os.path.exists(self.path(relative))

    def put(self, relative: str, content: bytes) -> None:
        path = self.path(relative)
        with _folder_failure(f"writing {relative}"):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".upload-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o644)  # readable by a front web server serving MEDIA_ROOT
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def delete(self, relative: str) -> None:
        with _folder_failure(f"deleting {relative}"):
            Path(self.path(relative)).unlink(missing_ok=True)

    def send(self, relative: str) -> Response:
        # send_from_directory refuses ".." and absolute paths with a 404.
        return send_from_directory(self.root, relative, max_age=ONE_YEAR, conditional=True)


def s3_location(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ``("bucket", "some/prefix")``; ``ValueError`` otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an s3://bucket/prefix URL: {url!r}")
    return parts.netloc, parts.path.strip("/")


class S3Storage:
    """Objects in a bucket of any S3-compatible store, under a key prefix."""

    def __init__(self, url: str, endpoint_url: str | None = None):
        import boto3
        from botocore.config import Config

        self.url = url
        self.endpoint_url = endpoint_url
        self.bucket, self.prefix = s3_location(url)
        # Bounded, so that a store that stops answering costs seconds, not a worker.
        config = Config(
            connect_timeout=3, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}
        )
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, config=config)

    def key(self, relative: str) -> str:
        check_relative(relative)
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def _call(self, operation: str, relative: str, **kwargs):
        """``operation`` on the object of ``relative``: None when there is no such
        object, ``StorageError`` when the store fails."""
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(relative)
        try:
            return getattr(self.client, operation)(Bucket=self.bucket, Key=key, **kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404 or error.get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise StorageError(f"{operation} {key}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"{operation} {key}: {exc}") from exc

    def exists(self, relative: str) -> bool:
        return self._call("head_object", relative) is not None

    def put(self, relative: str, content: bytes) -> None:
        # One PUT: an object is there whole or not at all.
        self._call(
            "put_object",
            relative,
            Body=content,
            ContentType=content_type(relative),
            CacheControl=CACHE_CONTROL,
        )

    def delete(self, relative: str) -> None:
        self._call("delete_object", relative)  # a missing object is fine

    def send(self, relative: str) -> Response:
        try:
            obj = self._call("get_object", relative)
        except ValueError:
            abort(404)
        if obj is None:
            abort(404)
        body = obj["Body"]
        response = current_app.response_class(
            body.iter_chunks(_CHUNK), mimetype=content_type(relative), direct_passthrough=True
        )
        response.call_on_close(body.close)
        response.content_length = obj.get("ContentLength")
        if obj.get("ETag"):
            response.set_etag(obj["ETag"].strip('"'))
        if obj.get("LastModified"):
            response.last_modified = obj["LastModified"]
        response.cache_control.max_age = ONE_YEAR
        response.make_conditional(request)
        if response.status_code == 304:
            body.close()
        return response


def media_storage() -> LocalStorage | S3Storage:
    """The app's storage: ``MEDIA_STORAGE`` (one client per process) or ``MEDIA_ROOT``."""
    spec = current_app.config.get("MEDIA_STORAGE")
    if not spec:
        return LocalStorage(current_app.config["MEDIA_ROOT"])
    endpoint = current_app.config.get("S3_ENDPOINT_URL")
    storage = current_app.extensions.get(_S3_CLIENT)
    if storage is None or (storage.url, storage.endpoint_url) != (spec, endpoint):
        storage = current_app.extensions[_S3_CLIENT] = S3Storage(spec, endpoint)
    return storage
