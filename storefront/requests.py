"""What the store accepts in a request, for the pages and the API alike.

- ``request_id()``: the id a request is known by in pages, problems and logs.
- Body limits: an upload (multipart) may carry an image and its form; any other
  body is capped far lower. A body over its cap is refused with 413 before it
  is read, or as soon as a stream without ``Content-Length`` passes the cap.
- JSON, read exactly and cheaply: a number with a fraction or an exponent is a
  ``JsonNumber`` (a ``Decimal`` that keeps the text it was written as), a
  number longer than ``MAX_JSON_NUMBER_CHARS`` or nesting Python cannot follow
  is malformed JSON (400), never a 500.
- Text a database can store: no NUL character, no lone surrogate. The API's
  schemas refuse it per field; ``check_page_input`` refuses it for
  every page in one place (400).

Nothing here imports the faces (``errors``, ``api``, ``web``): they import it.
"""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal

from flask import Flask, abort, current_app, g, request
from flask import Request as FlaskRequest
from flask import json as flask_json
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

# --- who is asking -------------------------------------------------------------


def wants_api(req=None) -> bool:
    req = req or request
    return req.path == "/api" or req.path.startswith("/api/")


# A proxy's request id is kept if it looks like one; anything else (markup,
# spaces, kilobytes of text) would be echoed into pages, problems and logs.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id() -> str:
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _CLIENT_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


# --- body limits ---------------------------------------------------------------

# What a multipart upload carries besides the image: boundaries, part headers
# and the admin product form's other fields (a description of 10,000 characters).
MULTIPART_OVERHEAD = 256 * 1024


# How many images of MAX_IMAGE_BYTES one upload may carry (a gallery takes several
# at once); more images per request are fine as long as they are smaller.
IMAGES_PER_UPLOAD_BODY = 4


def upload_limit(config) -> int:
    """The largest multipart body: ``MAX_UPLOAD_BYTES`` when set, else four images
    of ``MAX_IMAGE_BYTES`` and their form."""
    given = config.get("MAX_UPLOAD_BYTES")
    images = given or IMAGES_PER_UPLOAD_BODY * config["MAX_IMAGE_BYTES"] + MULTIPART_OVERHEAD
    return max(images, config["MAX_IMAGE_BYTES"] + MULTIPART_OVERHEAD, config["MAX_REQUEST_BYTES"])


def limit_request_body() -> None:
    """``before_request``, first of all: cap the body by its kind, refuse a declared excess.

    ``request.max_content_length`` is what werkzeug enforces while reading,
    also on a chunked body without ``Content-Length``.
    """
    config = current_app.config
    multipart = request.mimetype == "multipart/form-data"
    limit = upload_limit(config) if multipart else config["MAX_REQUEST_BYTES"]
    # Flask's MAX_CONTENT_LENGTH stays a ceiling over both.
    ceiling = config.get("MAX_CONTENT_LENGTH")
    request.max_content_length = limit if ceiling is None else min(limit, ceiling)
    length = request.content_length
    if length is not None and length > request.max_content_length:
        raise RequestEntityTooLarge()


# --- JSON, read exactly --------------------------------------------------------

# Longer numbers are refused before Python converts them (a 5,000-digit
# integer is a ValueError, and conversion cost grows with the square of the
# digits). No amount, id or quantity of ours comes near.
MAX_JSON_NUMBER_CHARS = 100


class JsonNumber(Decimal):
    """A JSON number with a fraction or an exponent (or NaN, Infinity), read exactly.

    ``text`` is the number as the client wrote it, so money can be held to the
    same grammar as a string (``0.1e1`` is not "1.00").
    """

    text: str


class MalformedJSON(json.JSONDecodeError):
    """JSON that is valid text but not something we read: too deep, or a number too long."""

    def __init__(self, message: str):
        # A non-empty ``doc``: webargs reads an error on an empty document as "no body".
        super().__init__(message, "(the request body)", 0)


class _NumberTooLong(ValueError):
    pass


def _number(text: str) -> JsonNumber:
    if len(text) > MAX_JSON_NUMBER_CHARS:
        raise _NumberTooLong()
    number = JsonNumber(text)
    number.text = text
    return number


def _integer(text: str) -> int:
    if len(text) > MAX_JSON_NUMBER_CHARS:
        raise _NumberTooLong()
    return int(text)


def read_json(data: str | bytes | bytearray):
    """Parse a JSON body: ``json.JSONDecodeError`` (a ``ValueError``) for anything unreadable."""
    try:
        return json.loads(data, parse_float=_number, parse_int=_integer, parse_constant=_number)
    except RecursionError:
        # The C parser stops at the recursion limit at once: "[" * 100_000 costs nothing.
        raise MalformedJSON("The JSON body is nested too deeply.") from None
    except _NumberTooLong:
        raise MalformedJSON(
            f"A number in the JSON body has more than {MAX_JSON_NUMBER_CHARS} characters."
        ) from None


class _ExactJSON:
    """What ``request.get_json()`` parses with (Flask calls ``json_module.loads``)."""

    loads = staticmethod(read_json)
    dumps = staticmethod(flask_json.dumps)


class _CappedStream(LimitedStream):
    """A body without ``Content-Length`` (chunked), read up to ``cap``: one byte more is 413.

    werkzeug's own cap on such a stream stops at the cap and hands over what it
    read, so a body cut short there would be parsed as if it were whole.
    """

    def __init__(self, stream, cap: int):
        super().__init__(stream, cap + 1, is_max=True)
        self.cap = cap

    def readinto(self, buffer) -> int | None:
        size = super().readinto(buffer)
        if self._pos > self.cap:
            raise RequestEntityTooLarge()
        return size


class StoreRequest(FlaskRequest):
    """Flask's request: JSON read with ``read_json``, a streamed body refused past its cap."""

    json_module = _ExactJSON

    @cached_property
    def stream(self):
        cap = self.max_content_length
        if (
            cap is not None
            and self.content_length is None
            and "wsgi.input_terminated" in self.environ
            and not self.shallow
        ):
            return _CappedStream(self.environ["wsgi.input"], cap)
        return super().stream


# --- text a database can store -----------------------------------------------


def unstorable_text(text: str) -> str | None:
    """Why ``text`` cannot be stored (a NUL, a lone surrogate), or None if it can."""
    if "\x00" in text:
        return "Must not contain NUL characters."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Must be valid Unicode text."
    return None


# What a page's form sends; pages take no other body (Flask-WTF would read JSON
# into a form, and a list or a nested object there is an error of its own).
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def check_page_input() -> None:
    """``before_request``: a page's body is a form, and no argument or field holds unstorable text.

    The API refuses such text per field with a 422 (``api.schemas.Text``); the
    pages read query arguments in many views, so they are checked here, once:
    400, or 404 for a path segment; a body that is not a form is 415.
    """
    if wants_api():
        return
    sends_body = request.method in ("POST", "PUT", "PATCH", "DELETE")
    if sends_body and request.mimetype and request.mimetype not in FORM_MEDIA_TYPES:
        abort(415, description="Pages take form data only.")
    sources = [request.args]
    if request.mimetype in FORM_MEDIA_TYPES:
        sources.append(request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            reason = unstorable_text(key) or unstorable_text(value)
            if reason:
                abort(400, description=reason)
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and unstorable_text(value):
            abort(404)


# --- what the server refused before the app saw it ----------------------------

# Set by storefront/server.py in gunicorn's workers (a client cannot: headers
# arrive as HTTP_* keys): (status, reason) of a request gunicorn refused.
SERVER_REFUSAL = "storefront.server_refusal"


def answer_server_refusal() -> None:
    """``before_request``, first: answer a refusal of gunicorn's like any other error."""
    refusal = request.environ.get(SERVER_REFUSAL)
    if refusal:
        abort(refusal[0])


def register_request_rules(app: Flask) -> None:
    """Install the rules above; call before any extension that reads the body."""
    app.request_class = StoreRequest
    app.before_request(answer_server_refusal)
    app.before_request(limit_request_body)
    app.before_request(check_page_input)
