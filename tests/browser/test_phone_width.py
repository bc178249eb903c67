"""No page of either face is wider than a 390 px phone: the walk covers every
HTML page in the URL map, so a page added later is measured too."""

from __future__ import annotations

import pytest

from tests.browser import walk
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("face", walk.FACES)
def test_no_page_is_wider_than_a_phone(browser, live_server, live_app, in_app, face):
    wide = []
    for page, url in walk.visit_each(browser, live_server, live_app, in_app, face, PHONE):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{url}: {width}px")
    assert not wide, "wider than the phone:\n" + "\n".join(wide)
