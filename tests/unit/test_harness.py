"""The test harness's kept apps (tests/conftest.py): a kept app comes back as built."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests import conftest


def test_a_kept_app_comes_back_as_it_was_built(make_app, tmp_path):
    app = make_app(new_app=True)  # built for this test: no other test shares it
    key = ("harness test", id(app))
    conftest._keep_app(key, app)
    built_with = dict(app.config)
    try:
        app.config["PAGE_CACHE_ENTRIES"] = 0
        app.extensions["left.over"] = object()
        app.jinja_env.globals["left_over"] = "from an earlier test"
        app.test_client_class = type("OtherClient", (FlaskClient,), {})

        again = conftest._kept_app(key, str(tmp_path / "media-again"))
        assert again is app
        assert {k: v for k, v in app.config.items() if k != "MEDIA_ROOT"} == {
            k: v for k, v in built_with.items() if k != "MEDIA_ROOT"
        }
        assert "left.over" not in app.extensions
        assert "left_over" not in app.jinja_env.globals
        assert app.test_client_class is None
        assert app.config["MEDIA_ROOT"] == str(tmp_path / "media-again")
    finally:
        conftest._KEPT_APPS.pop(key, None)
