"""The console as a person uses it: a real ``hazwatch serve`` on a free port (temporary
SQLite, demo district, MQTT ingest under a unique topic prefix) driven by Debian's Chromium
through Playwright. One server per test module keeps the browser tests lean."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from hazwatch.core.audit import service as audit
from hazwatch.core.db import Base, import_all_models, make_engine
from hazwatch.core.ports import free_port
from tests.services import MQTT_URL, require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DEMO_PASSWORD = "hazwatch-demo"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
#: Where the people using the console are (charts show the browser's local time).
TIMEZONE = "Asia/Shanghai"


#: The suite's own API calls wait this long: the server shares two cores with the browser
#: and the test process (the loop watchdog logs any stall over 5 s to serve.log).
API_TIMEOUT_S = 20.0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test carries the end of the server's log (stalls, tracebacks)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    server = getattr(item, "funcargs", {}).get("server")
    if report.failed and isinstance(server, Server) and server.log.exists():
        tail = server.log.read_text(errors="replace").splitlines()[-150:]
        report.sections.append(("serve.log (last 150 lines)", "\n".join(tail)))


@dataclass
class Server:
    url: str
    prefix: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    @property
    def log(self) -> Path:
        return Path(self.env["HAZWATCH_DATA_DIR"]) / "serve.log"

    def token(self, username: str) -> str:
        response = httpx.post(
            f"{self.url}/api/auth/login",
            json={"username": username, "password": DEMO_PASSWORD},
            timeout=API_TIMEOUT_S,
        )
        response.raise_for_status()
        return str(response.json()["token"])

    def api(self, username: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.token(username)}"},
            timeout=API_TIMEOUT_S,
        )

    def publish(self, site_id: int, device: str, point: str, value: float) -> None:
        """One O2 reading now over MQTT, as a gas detector's gateway sends it (QoS 1)."""
        payload = {"point": point, "ts": datetime.now(UTC).isoformat(), "value": value}
        self._send(f"{site_id}/{device}/reading", payload | {"unit": "%vol"})

    def publish_batch(self, site_id: int, device: str, readings: list[dict[str, Any]]) -> None:
        """A gateway's batch (a tank telemetry unit uploads its levels this way)."""
        self._send(f"{site_id}/{device}/batch", {"readings": readings})

    def _send(self, topic: str, payload: dict[str, Any]) -> None:
        import paho.mqtt.client as mqtt

        parsed = urlparse(MQTT_URL)
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
        client.loop_start()
        info = client.publish(f"{self.prefix}/v1/{topic}", json.dumps(payload), qos=1)
        info.wait_for_publish(10)
        client.loop_stop()
        client.disconnect()


def _hazwatch(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hazwatch.cli.main", *args], env=env, capture_output=True
    )
    if done.returncode != 0:
        pytest.fail(f"hazwatch {' '.join(args)}: {done.stderr.decode(errors='replace')}")


#: ``serve`` on a port another process took between :func:`~hazwatch.core.ports.free_port`
#: and the bind (other test processes run beside this one) exits with this; the server is
#: started again elsewhere.
PORT_TAKEN = "address already in use"


def _serve(env: dict[str, str], data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A running ``hazwatch serve`` and its URL, once ``/healthz`` answers."""
    log_path = data / "serve.log"
    for _attempt in range(3):
        port = free_port()
        with log_path.open("wb") as log:
            command = ["serve", "--no-migrate", "--port", str(port)]
            process = subprocess.Popen(
                [sys.executable, "-m", "hazwatch.cli.main", *command],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        # Generous: a loaded 2-core CI machine has taken over a minute to start the server.
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    return process, url
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        process.kill()
        process.wait()
        if PORT_TAKEN not in log_path.read_text(errors="replace"):
            break
    pytest.fail(log_path.read_text(errors="replace"))


def _environment(data: Path, prefix: str, **settings: str) -> dict[str, str]:
    """A server's environment; ``settings`` are more ``HAZWATCH_…`` variables."""
    return {
        **os.environ,
        "HAZWATCH_DATA_DIR": str(data),
        "HAZWATCH_SECRET_KEY": uuid.uuid4().hex,
        "HAZWATCH_PASSWORD_PROFILE": "cheap",
        "HAZWATCH_INGEST_ENABLED": "true",
        "HAZWATCH_MQTT_URL": MQTT_URL,
        "HAZWATCH_MQTT_TOPIC_PREFIX": prefix,
        "HAZWATCH_MQTT_CLIENT_ID": prefix,
        "HAZWATCH_LOG_LEVEL": "WARNING",
        **settings,
    }


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo district loaded once per run (about 9 s); each module's server starts from a
    copy of it, so modules still never see each other's changes."""
    data = tmp_path_factory.mktemp("demo")
    # The schema comes from the models, as in the rest of the suite (migrations are
    # generated from them at release time).
    import_all_models()
    audit.install()
    engine = make_engine(f"sqlite:///{data / 'hazwatch.db'}")
    Base.metadata.create_all(engine)
    engine.dispose()
    _hazwatch("demo", "load", env=_environment(data, "unused"))
    return data / "hazwatch.db"


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_database: Path
) -> Iterator[Server]:
    """The module's own server; a module marked ``reads_only`` gets the one it shares."""
    if request.node.get_closest_marker("reads_only"):
        yield request.getfixturevalue("shared_server")
        return
    yield from running_server(tmp_path_factory, demo_database)


@pytest.fixture(scope="session")
def shared_server(
    tmp_path_factory: pytest.TempPathFactory, demo_database: Path
) -> Iterator[Server]:
    """One server per test process for the modules marked ``reads_only``: they look at the
    demo district and change nothing in it (no save, no reading, no API write; logging in
    is allowed), so they see what a server of their own would show, without each paying
    for one (a server takes 5–10 s to start on a loaded two-core machine, more than some
    of these modules take to run). The browser stays per module: Playwright's sync API
    keeps an event loop marked running on the test thread while it is open, which breaks
    ``asyncio.run`` in any later module of the process."""
    yield from running_server(tmp_path_factory, demo_database)


def running_server(
    tmp_path_factory: pytest.TempPathFactory, demo_database: Path, **settings: str
) -> Iterator[Server]:
    """The demo district served; ``settings`` are more ``HAZWATCH_…`` variables."""
    require("MQTT", MQTT_URL, 1883)
    data = tmp_path_factory.mktemp("console")
    prefix = f"hwtest-{uuid.uuid4().hex[:10]}"
    env = _environment(data, prefix, **settings)
    shutil.copyfile(demo_database, data / "hazwatch.db")
    process, url = _serve(env, data)
    yield Server(url, prefix, env, process)
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run 'make browser-deps' (never 'playwright install')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(
        base_url=server.url, viewport=DESKTOP, locale="zh-CN", timezone_id=TIMEZONE
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


#: The lab's dry rooms by the keys the tests use.
DRY_ROOMS = {"dry1": "干燥房1", "dry2": "干燥房2"}


def fit_o2_detectors(server: Server, gateway: str, **points: str) -> dict[str, int]:
    """Fixed O2 detectors behind one gateway of the lab, as a careful operator would fit
    them: ``dry1="O2-D1"`` puts point O2-D1 in dry room 1. Returns the site's id, the lab's
    and each named room's id (``{"site_id": …, "organisation_id": …, "dry1": …}``)."""
    with server.api("admin") as api:
        rooms = {r["name"]: r for r in api.get("/api/registry/rooms").json()}
        first = rooms[DRY_ROOMS[next(iter(points))]]
        site_id = api.get(f"/api/registry/buildings/{first['building_id']}").json()["site_id"]
        lab = first["organisation_id"]
        device = api.post(
            "/api/monitoring/devices",
            json={"site_id": site_id, "organisation_id": lab, "code": gateway},
        )
        assert device.status_code == 201, device.text
        found = {"site_id": site_id, "organisation_id": lab}
        for key, code in points.items():
            room = rooms[DRY_ROOMS[key]]
            created = api.post(
                "/api/monitoring/points",
                json={
                    "site_id": site_id,
                    "organisation_id": lab,
                    "room_id": room["id"],
                    "device_id": device.json()["id"],
                    "code": code,
                    "name": f"{room['name']}氧含量",
                    "kind": "o2",
                    "expected_interval_s": 600,
                },
            )
            assert created.status_code == 201, created.text
            found[key] = room["id"]
    return found


def wait_until_live(page: Any) -> None:
    """Until the page's socket has finished NiceGUI's handshake. Events raised before it are
    held in the browser and sent afterwards, each on its own timer, so a value typed and a
    button clicked in that window can reach the server in either order (a login click before
    its user name reads as a wrong password). A person is slower than that; a test is not."""
    page.wait_for_function("window.did_handshake === true")


def settle(page: Any) -> None:
    """Until a page just opened is drawn as a person sees it: its socket live (the server
    has sent what it builds after connecting) and two frames painted (charts draw in the
    frame after they mount). Cheaper than waiting for the network to fall idle, which the
    live feed's socket keeps from happening for 500 ms at least."""
    wait_until_live(page)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def log_in(page: Any, username: str, *, next_path: str = "/") -> None:
    page.goto(f"/login?next={next_path}")
    wait_until_live(page)
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(DEMO_PASSWORD)
    page.get_by_test_id("submit").click()
    # The path itself: a glob on it would also match the login page's own ?next=<path>.
    try:
        page.wait_for_url(lambda url: urlparse(url).path == urlparse(next_path).path)
    except PlaywrightTimeout:
        error = page.get_by_test_id("login-error").text_content(timeout=1_000)
        pytest.fail(f"{username} not logged in after 15 s; the form says: {error!r}")
    wait_until_live(page)


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path


def choose(page: Any, scope: Any, testid: str, option: str, *, multiple: bool = False) -> None:
    """Pick ``option`` (its first match) in the select ``testid`` of ``scope``; a multiple
    select's menu stays open and is closed with Escape. Waits for the menu to close: a
    next select's menu opened while this one faded took the click for the wrong list."""
    scope.get_by_test_id(testid).click()
    page.get_by_role("option", name=option, exact=True).first.click()
    if multiple:
        page.keyboard.press("Escape")
    expect(page.locator(".q-menu")).to_have_count(0)


def form_errors(form: Any) -> list[str]:
    """Every refusal a form shows (its general line and each field's message), for a failing
    test to say why a save did not land."""
    return [
        text
        for text in form.locator(
            ".text-negative, .q-field--error .q-field__messages"
        ).all_text_contents()
        if text.strip()
    ]


def field_error(page: Any, scope: Any, testid: str) -> Any:
    """The error message under the input ``testid`` of ``scope`` (none: nothing matches)."""
    return scope.locator(".q-field--error", has=page.get_by_test_id(testid)).locator(
        ".q-field__messages"
    )


def close_pop_ups(page: Any) -> None:
    """Close every alarm pop-up showing, as a person does before using what it covers: an
    alarm's pop-up stays at the top until closed (the demo's tank-yard detector reports
    nothing, so its stale-data alarm escalates to the regulator a minute into a module)."""
    for close in page.locator(".hazwatch-pop-up").get_by_role("button", name="✕").all():
        with contextlib.suppress(PlaywrightTimeout):  # gone meanwhile
            close.click(timeout=2_000)


def click_clear(locator: Any, page: Any, attempts: int = 3) -> None:
    """Click ``locator`` near the top of a page after closing the pop-ups over it; one that
    arrives meanwhile takes the click, so it is closed and the click tried again (a click
    that timed out never reached the page)."""
    for attempt in range(attempts):
        close_pop_ups(page)
        try:
            locator.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def unfold(page: Any, expansion: Any) -> None:
    """Open a folded form (``ui.expansion``) and wait until it has finished sliding open.

    While Quasar slides it open its content is clipped (``overflow-y: hidden`` and a growing
    height, after a 100 ms pause: far longer on a loaded machine), and focusing a field
    inside scrolls the clipped box. As the box grows the fields slide back down: in a loaded
    run 保存 moved 150 px between the mouse-down and the mouse-up of its click, the click
    went to the card and nothing was saved (Playwright checks the target at the mouse-down
    only). A person waits for the form to open; so does this."""
    click_clear(expansion, page)
    content = expansion.locator(".q-expansion-item__content").first
    content.wait_for(state="visible")
    # Shown a frame before the slide starts: open once the slide seen has ended, or once
    # the form has held still, unclipped, for 300 ms.
    opened = content.evaluate(
        """box => new Promise(done => {
            let slid = false, still = 0;
            const until = performance.now() + 10000;
            const look = () => {
                if (box.style.height || box.style.overflowY) { slid = true; still = 0; }
                else if (box.offsetHeight > 0 && (slid || ++still >= 6)) return done(true);
                if (performance.now() > until) return done(false);
                setTimeout(look, 50);
            };
            look();
        })"""
    )
    assert opened, "the folded form did not finish opening within 10 s"


def saved_row(server: Server, username: str, url: str, before: set[int], form: Any) -> Any:
    """The one row a form's save added to the list at ``url`` (as ``username`` sees it):
    looked for over 15 s, since the page handles the save after the click has returned; a
    failure says what the form shows."""
    new: list[dict[str, Any]] = []
    deadline = time.monotonic() + 15
    while not new and time.monotonic() < deadline:
        with server.api(username) as api:
            new = [row for row in api.get(url).json() if row["id"] not in before]
        time.sleep(0.3)
    assert len(new) == 1, f"not stored; the form says: {form_errors(form)}"
    return new[0]
