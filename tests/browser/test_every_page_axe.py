"""axe-core on every HTML page of the URL map, both faces in their layouts (the
shop's as a guest and as a shopper, the back office's as an admin): no serious
or critical violation. The walk is test_phone_width's, so a page added later is
checked too."""

from __future__ import annotations

import pytest

from tests.browser import walk
from tests.browser.conftest import DESKTOP, accessibility_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("face", walk.FACES)
def test_every_page_passes_axe(browser, live_server, live_app, in_app, face):
    found = []
    for page, url in walk.visit_each(browser, live_server, live_app, in_app, face, DESKTOP):
        found += [f"{url}: {line}" for line in accessibility_violations(page)]
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
