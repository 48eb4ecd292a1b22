"""Shared test fixtures.

``real_data`` points at ``../shared/real_data`` (the real platform exports kept beside the
repository, never copied into it); tests that use it are skipped when it is absent, as on a
user's machine. ``CONNECTANA_SHARED`` overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CONNECTANA_SHARED", ROOT.parent / "shared"))
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def real_data() -> Path:
    """The folder of real exports, or skip."""
    d = SHARED / "real_data"
    if not d.is_dir():
        pytest.skip("../shared/real_data is absent")
    return d


@pytest.fixture
def shared() -> Path:
    """The ../shared folder (specs, real data), or skip."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture
def data_dir() -> Path:
    """tests/data: small hand-made fixtures shipped with the repository."""
    return DATA


@pytest.fixture(autouse=True, scope="session")
def _local_key_file(tmp_path_factory):
    """Keep the default pseudonymisation key of test runs out of the user's home."""
    os.environ["CONNECTANA_KEY_FILE"] = str(tmp_path_factory.mktemp("key") / "key")
    yield
    os.environ.pop("CONNECTANA_KEY_FILE", None)


@pytest.fixture
def chromium():
    """Start headless Chromium (selenium + Debian's chromium and chromedriver), or skip.

    The test skips when it starts the browser, so what it checks before runs everywhere.
    ``chromium(*flags, window_size=(w, h))`` returns a WebDriver with the browser's console
    log captured (``driver.get_log("browser")``); every driver started is quit at teardown.
    """
    import shutil

    drivers = []

    def start(*flags: str, window_size: tuple[int, int] = (1100, 2000)):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        driver_path = shutil.which("chromedriver")
        webdriver = pytest.importorskip("selenium.webdriver")
        if not binary or not driver_path:
            pytest.skip("chromium and chromedriver are not installed")
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     f"--window-size={window_size[0]},{window_size[1]}", *flags):  # fmt: skip
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()
