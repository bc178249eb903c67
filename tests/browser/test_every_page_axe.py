"""axe-core on every HTML page of the URL map, both faces in their layouts (the
shop's as a guest and as a shopper, the back office's as an admin): no serious
or critical violation. The walk is test_phone_width's, so a page added later is
checked too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import walk
from tests.browser.conftest import DESKTOP, accessibility_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("face", walk.FACES)
def test_every_page_passes_axe(browser, live_server, live_app, in_app, face):
    ids = in_app(walk.set_up)
    urls = walk.pages(live_app, ids)[face]
    assert urls
    with walk.signed_in(browser, live_server.url, face, DESKTOP) as page:
        found = []
        for url in urls:
            response = page.goto(url)
            assert response.status < 500, url
            expect(page.locator("main")).to_be_visible()
            found += [f"{url}: {line}" for line in accessibility_violations(page)]
        assert not found, "serious or critical axe violations:\n" + "\n".join(found)
