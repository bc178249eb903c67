"""The JSON API under /api: blueprints per resource, one OpenAPI document, Swagger UI.

The OpenAPI document is built by flask-smorest from the same marshmallow
schemas that validate the requests; ``API_DESCRIPTION`` below records the
choices the contract left open.
"""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from .. import StoredIntConverter
from ..requests import MalformedJSON, read_json
from .errors import PROBLEM_MIMETYPE, install_error_handlers
from .schemas import MAX_ID, ProblemSchema
from .security import BEARER, OAUTH2, check_media_type

API_VERSION = "1.0.0"

API_DESCRIPTION = """
The storefront's JSON API: browse the catalog, keep a cart, place and follow
orders, and (as an admin) manage products, stock, orders and users. JSON in and
out (UTF-8); uploads are multipart.

**Try it here.** Log in with the **Authorize** button (your email as
*username*, and your password), then open an operation and press *Try it out*.

**Authentication.** `POST /api/auth/login` returns a short-lived access token
and a single-use refresh token (HS256 JWTs). Send the access token as
`Authorization: Bearer <token>`. A browser session cookie never authenticates
`/api`. The Authorize button takes an email and password, or a pasted access
token.

**Errors** are RFC 9457 `application/problem+json` with `type` (`about:blank`),
`title`, `status`, `detail`, plus `code` (a stable machine-readable name such as
`out_of_stock` or `validation_failed`) and `request_id` (also the
`X-Request-ID` header; quote it when reporting a 500). 422s list every invalid
field in `errors: [{field, message}]`; a field-less body error names `body`.

**Details worth knowing:**

- Unknown fields in a JSON body are refused (422): a misspelt field should not
  be silently ignored. Unknown query parameters are ignored.
- A JSON body may have at most `MAX_REQUEST_BYTES` (default 1 MiB) and an
  upload four times `MAX_IMAGE_BYTES` plus 256 KiB (`MAX_UPLOAD_BYTES` when
  set); more is 413, also when the body is
  streamed without a `Content-Length`. JSON nested deeper than the parser
  follows, or holding a number longer than 100 characters, is 400.
- A money amount sent as a JSON number is judged by its text, as a string is:
  `12.5` is 12.50; `0.1e1`, `1e-400` and `12.501` are 422.
- A body sent with another media type than the operation documents is 415
  (with an `Accept` header); an operation sent no body at all reads it as `{}`.
- Ids in paths are 1 to 2147483647; anything else is 404 (no such resource).
- `page` is 1 to 2147483647; `per_page` 1 to 100 (outside: 422).
- Timestamps are given to the second.
- One product (`GET /api/products/{id}` and the answers of its changes) carries
  its gallery, `images` (cover first); the list and search leave it out (one
  query per page) and give the cover as `image_url` and `thumbnail_url`.
- `image_url` and `thumbnail_url` are absolute URLs under the shop's configured
  public address (`PUBLIC_BASE_URL`), or site-relative (`/media/...`) where
  none is configured; never built from the request's `Host`. A shop whose
  images are served from elsewhere (`MEDIA_PUBLIC_URL`: a bucket, a CDN) gives
  absolute URLs there.
- `POST /api/orders` answers 201 with a `Location` header when it places an
  order, and 200 with the same order when an `Idempotency-Key` replays one.
- `POST /api/products` answers 201 with a `Location` header.
- Refresh tokens live `REFRESH_TOKEN_EXPIRE_DAYS` from their own issue, so a
  session lasts while it is refreshed at least that often.
- Logout with a `refresh_token` that is invalid or not yours still answers 204
  (as RFC 7009 token revocation does); only your own sessions are revoked.
- Token refresh is not rate limited (a refresh token is single use already);
  login and registration are (429 with `Retry-After`). A successful login
  clears its account's failed-login count.
- Where a token is optional (registration, reading a product), a token that
  is sent must be valid: an invalid one is 401, not silently ignored.
- Who is calling is checked before what was sent: 401/403 come before 415/422.
- `sort` also accepts `relevance` (the default when `q` is given).
- `GET /api/users` also filters by `is_active`.
- A product's category is chosen, never created on the way: `category_id`
  (preferred) or `category`, the name of an existing category that is not
  archived, in any case; anything else is 422 on that field (api.md said
  "created if new"). Categories are made with `POST /api/categories`.
- Categories go two levels deep. The catalog's `category` filter on a
  top-level category also lists its subcategories' products, and its
  `product_count` counts them. `DELETE /api/categories/{id}` archives: nothing
  is deleted, and archived categories are left out of `GET /api/categories`.
"""


class IdConverter(StoredIntConverter):
    """A path id: 1 to 2**31-1, so that nothing the database cannot hold reaches a query."""

    def __init__(self, map, **kwargs):  # noqa: A002 (werkzeug's name)
        super().__init__(map, min=1, max=MAX_ID)


class StoreParser(FlaskParser):
    """webargs reading JSON bodies with ``read_json``: numbers exactly, bad bodies cheaply 400.

    Location ``multipart``: a multipart body's files and text fields together
    (webargs' ``files`` and ``form`` are each one half, and OpenAPI has one body).
    """

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return webargs_core.missing
        return read_json(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        if isinstance(error, MalformedJSON):
            abort(400, exc=error, messages={"json": [error.msg]})
        super()._handle_invalid_json_error(error, req, *args, **kwargs)


class ApiBlueprint(SmorestBlueprint):
    """A resource's blueprint: its OpenAPI tag is a readable name, not the endpoint prefix."""

    ARGUMENTS_PARSER = StoreParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def __init__(self, name: str, import_name: str, *, tag: str, **kwargs):
        super().__init__(name, import_name, **kwargs)
        self.tag = tag
        self.before_request(check_media_type)
        install_error_handlers(self)

    def route(self, rule, *, parameters=None, tags=None, **options):
        """Register a view, documenting the refusals every such operation can give."""
        methods = set(options.get("methods", ("GET",)))
        common = []
        if "<" in rule:
            common.append((404, "NOT_FOUND"))
        if methods & {"POST", "PUT", "PATCH"}:
            common += [
                (400, "BAD_REQUEST"),
                (413, "REQUEST_ENTITY_TOO_LARGE"),
                (415, "UNSUPPORTED_MEDIA_TYPE"),
            ]
        register = super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

        def decorator(func):
            documented = getattr(func, "_apidoc", {}).get("response", {}).get("responses", {})
            for status, name in common:
                if status not in documented:
                    func = self.alt_response(status, response=name)(func)
            return register(func)

        return decorator


class StoreApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        # storefront/errors.py answers every HTTP error under /api (api/errors.py).
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            if status < 400:
                continue
            response = {"description": status.phrase, "schema": self.ERROR_SCHEMA}
            if status == 401:
                response["headers"] = {
                    "WWW-Authenticate": {
                        "description": "`Bearer` challenge (RFC 6750).",
                        "schema": {"type": "string"},
                    }
                }
            elif status == 429:
                response["headers"] = {
                    "Retry-After": {
                        "description": "Seconds to wait before trying again.",
                        "schema": {"type": "integer"},
                    }
                }
            elif status == 405:
                response["headers"] = {
                    "Allow": {
                        "description": "Methods this path takes.",
                        "schema": {"type": "string"},
                    }
                }
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error, as problem JSON.", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
        self.spec.tag({"name": getattr(blp, "tag", name), "description": blp.description})


def _api_config(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Storefront API")
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": API_DESCRIPTION.strip()},
            "servers": [{"url": "/", "description": "This server"}],
        },
    )


def _security_schemes(api: Api) -> None:
    api.spec.components.security_scheme(
        BEARER,
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /api/auth/login or /api/auth/refresh.",
        },
    )
    api.spec.components.security_scheme(
        OAUTH2,
        {
            "type": "oauth2",
            "description": "Log in with your email as username (the same login endpoint).",
            "flows": {"password": {"tokenUrl": "/api/auth/login", "scopes": {}}},
        },
    )


def register_api(app: Flask) -> None:
    from ..extensions import csrf
    from . import (
        addresses,
        auth,
        cart,
        catalog,
        commands,
        discounts,
        docs,
        guest_orders,
        orders,
        shipping,
        users,
    )

    _api_config(app)
    app.url_map.converters["id"] = IdConverter
    api = StoreApi()
    api.register_converter(
        IdConverter, lambda converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.init_app(app)
    _security_schemes(api)
    for blp in (
        auth.blp,
        users.blp,
        addresses.blp,
        catalog.categories_blp,
        catalog.blp,
        cart.blp,
        orders.blp,
        guest_orders.blp,
        shipping.blp,
        discounts.blp,
    ):
        api.register_blueprint(blp)
        # The API authenticates with bearer tokens only, so there is no session to forge.
        csrf.exempt(blp)
    app.register_blueprint(docs.bp)
    _register_cors(app)
    commands.register(app)
    app.extensions["storefront.api"] = api


def _register_cors(app: Flask) -> None:
    origins = app.config.get("CORS_ORIGINS") or []
    if not origins:
        return
    from flask_cors import CORS

    CORS(
        app,
        resources={r"/api/*": {"origins": origins}},
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        expose_headers=["Location", "Retry-After", "X-Request-ID", "WWW-Authenticate"],
        methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        supports_credentials=False,
        max_age=600,
    )
