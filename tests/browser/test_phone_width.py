"""No page of either face is wider than a 390 px phone: the walk covers every
HTML page in the URL map, so a page added later is measured too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import walk
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("face", walk.FACES)
def test_no_page_is_wider_than_a_phone(browser, live_server, live_app, in_app, face):
    ids = in_app(walk.set_up)
    urls = walk.pages(live_app, ids)[face]
    assert urls
    with walk.signed_in(browser, live_server.url, face, PHONE) as page:
        wide = []
        for url in urls:
            response = page.goto(url)
            assert response.status < 500, url
            expect(page.locator("main")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append(f"{url}: {width}px")
        assert not wide, "wider than the phone:\n" + "\n".join(wide)
