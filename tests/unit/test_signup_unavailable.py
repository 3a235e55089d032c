"""The sign-up page when the central database cannot be reached: a plain page saying so (503, Retry-After),
never a traceback or the sync API's JSON."""

from __future__ import annotations

import asyncio

import httpx

from central.api import create_app
from central.database import Central


def test_the_page_says_try_again_soon_when_the_database_is_down(tmp_path):
    central = Central(f"postgresql:///nowhere?host={tmp_path}&connect_timeout=1", timeout=1)
    app = create_app(central, manage_pool=False)

    async def visit():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop") as client:
            return await client.get("/signup/" + "A" * 38)

    try:
        page = asyncio.run(visit())
    finally:
        app.state.signup_pages.close()
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "Please try again soon" in page.text and "Traceback" not in page.text
    assert int(page.headers["Retry-After"]) > 0
