"""Closing or reloading an app page stops its kernel (Voila's beforeunload beacon is accepted)."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

FO = "roleplay_front_office.ipynb"


def _kernel_alive(url: str, kernel_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/kernels/{kernel_id}", timeout=10) as resp:
            return resp.status == 200
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
        return False


def _kernel_id(page) -> str:
    return json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]


def _wait_gone(url: str, kernel_id: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _kernel_alive(url, kernel_id):
            return True
        time.sleep(0.3)
    return False


@pytest.mark.browser
def test_closing_and_reloading_a_page_stop_its_kernel(open_app, voila_server, wait_for_voila):
    page = open_app(FO)
    first = _kernel_id(page)
    assert _kernel_alive(voila_server.url, first)

    page.reload()  # a reload is a close and a new page: the old kernel must not linger
    wait_for_voila(page)
    second = _kernel_id(page)
    assert second != first
    assert _wait_gone(voila_server.url, first), "the reloaded page's old kernel is still running"

    page.close(run_before_unload=True)
    assert _wait_gone(voila_server.url, second), "the closed page's kernel is still running"
    assert "'_xsrf' argument missing" not in voila_server.log()
