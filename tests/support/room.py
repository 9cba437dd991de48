"""A reading room with a real history, for the ``monitor serve`` tests: the seed
policies and a hostile one served on loopback, checked, changed, checked again,
and the room itself served by uvicorn on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from monitor.config import Config, load_config
from monitor.demo import SeedPage, SeedServer, load_seed_pages, material_edit
from monitor.pipeline import run_checks
from monitor.web import create_app
from monitor.web.server import in_thread

__all__ = ["HOSTILE", "History", "make_history", "serve_room"]

HOSTILE = "hostile-privacy"
_PARAGRAPHS = [
    "We collect your name, e-mail address and postal address when you create an account.",
    "We use your e-mail address to send you invoices and messages about your orders.",
    "We keep order data for seven years because tax law requires it, and delete it then.",
    "We do not sell your personal data to anyone, and we never share it with advertisers.",
    "You may ask us for a copy of your data, or ask us to correct or delete it, at any time.",
    "You may object to the processing of your data, and complain to the data protection "
    "authority in your country if you believe we handle your data unlawfully.",
    "Our hosting provider stores the data in data centres inside the European Union.",
    "We protect your data with encryption in transit and at rest, and limit who can see it.",
    "Cookies that are strictly necessary keep you logged in; we set no tracking cookies.",
    "If we change this policy we will tell you by e-mail at least thirty days in advance.",
    "Questions about this policy can be sent to our data protection officer by e-mail.",
]


def hostile_page(extra: str = "") -> bytes:
    """A privacy policy whose text carries markup, scripts and ``javascript:`` links."""
    body = "".join(f"<p>{p}</p>\n" for p in _PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Privacy &lt;/title&gt;&lt;script&gt;alert('title')&lt;/script&gt;</title>"
        "<script>alert('page')</script></head><body><main>"
        "<h1>Privacy policy &lt;img src=x onerror=alert('h1')&gt;</h1>"
        "<h2>1. &lt;script&gt;alert('heading')&lt;/script&gt; What we collect</h2>"
        f"{body}"
        "<h2>2. Your rights <a href='javascript:alert(1)'>javascript link</a></h2>"
        "<p>Read more at <a href='javascript:alert(2)'>this link</a> and "
        '&lt;a href="javascript:alert(3)"&gt;this one&lt;/a&gt; or {{ 7 * 7 }}.</p>'
        f"{extra}"
        "<p>Last updated on 1 March 2024.</p>"
        "</main></body></html>"
    ).encode()


@dataclass
class History:
    config: Config
    config_path: Path
    server: SeedServer


def make_history(folder: Path) -> Iterator[History]:
    """Check the seeds and the hostile page, change pcextreme materially and the hostile
    page with markup, check again; then leave one policy out of the configuration
    (archived). Yields while the pages are still served."""
    pages = [*load_seed_pages(), SeedPage(HOSTILE, hostile_page())]
    with SeedServer(pages) as server:
        lines = ["[monitor]", 'timeout = "5s"', "allow_private_networks = true", ""]
        for name in server.pages:
            tags = '["hosting", "nl"]' if name.startswith("pc") else '["<b>bold</b> tag"]'
            lines += ["[[policy]]", f'name = "{name}"', f'url = "{server.url(name)}"']
            lines += [f"tags = {tags}", ""]
        path = folder / "config.toml"
        path.write_text("\n".join(lines), encoding="utf-8")
        config = load_config(path)
        run_checks(config)
        page = server.pages["pcextreme-privacy"]
        server.set_body("pcextreme-privacy", material_edit(page.body))
        server.set_body(
            HOSTILE,
            hostile_page(
                "<p>We now share your location with &lt;script&gt;alert('partner')"
                "&lt;/script&gt; AdPartner Ltd for advertising.</p>"
            ),
        )
        run_checks(config)
        # One policy leaves the configuration: its history stays, as archived.
        kept = path.read_text("utf-8").split("[[policy]]")
        gone = next(i for i, part in enumerate(kept) if "zooplus" in part)
        path.write_text("[[policy]]".join(kept[:gone] + kept[gone + 1 :]), encoding="utf-8")
        yield History(load_config(path), path, server)


@contextmanager
def serve_room(config: Config, *, token: str | None = None, root_path: str = "") -> Iterator[str]:
    """The reading room of ``config`` served by uvicorn in a thread; yields its base URL."""
    app = create_app(
        config.monitor.database,
        config.monitor.snapshots,
        policies=config.policies,
        token=token,
        public_url=config.monitor.public_url,
    )
    with in_thread(app, root_path=root_path) as base:
        yield base
