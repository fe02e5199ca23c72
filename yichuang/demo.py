"""`yichuang serve --demo`: staff signed in at every window and tokens written for trying the hall."""

from __future__ import annotations

import json
from pathlib import Path

from hall_common.i18n import message
from hall_server.app_services import HallServer
from hall_server.core.errors import Conflict
from hall_server.services.access import Principal
from hall_server.services.hall_setup import DEMO_STAFF, add_staff

# Demo only: every demo account shares this password; a real hall sets its own
# (`yichuang account set-password`).
DEMO_PASSWORD = "yichuang-demo"
DEMO_SUPERVISOR = ("BZY900", "赵明远")


def prepare_demo(server: HallServer, data_dir: Path, base_url: str) -> dict:
    """Idempotent: reuses the tokens file, adds staff, signs A posts in at each window."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "demo-tokens.json"
    ctx = server.services.halls.by_code_or_first(None)
    hall_id = ctx.id
    for staff_no, name in DEMO_STAFF:
        add_staff(server.services, hall_id, staff_no, name)
        server.accounts.set_password(hall_id, staff_no, DEMO_PASSWORD)
    add_staff(server.services, hall_id, DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[1], role="supervisor")
    server.accounts.set_password(hall_id, DEMO_SUPERVISOR[0], DEMO_PASSWORD)
    tokens = json.loads(path.read_text("utf-8")) if path.exists() else {}
    if not tokens or server.tokens.authenticate(next(iter(tokens.values()))) is None:
        tokens = {
            "kiosk": server.tokens.create(hall_id, "kiosk", label="demo kiosk"),
            "board": server.tokens.create(hall_id, "board", label="demo board"),
            "supervisor": server.tokens.create(hall_id, "supervisor", label="demo supervisor"),
            "admin": server.tokens.create(hall_id, "admin", label="demo admin"),
        }
        for n in ctx.config.window_numbers:
            tokens[f"clerk-{n}"] = server.tokens.create(hall_id, "clerk", n, label=f"demo clerk {n}")
            tokens[f"pad-{n}"] = server.tokens.create(hall_id, "pad", n, label=f"demo pad {n}")
        path.write_text(json.dumps(tokens, indent=2), "utf-8")
    for i, n in enumerate(ctx.config.window_numbers):
        # The demo's supervisor signs the demo clerks in (only oneself or a supervisor may).
        setup = Principal(hall_id, "supervisor", "demo setup")
        try:
            server.windows.sign_in(setup, n, DEMO_STAFF[i % len(DEMO_STAFF)][0], "A")
        except Conflict:
            pass  # already staffed from an earlier run
    print(
        message(
            "cli.demo_ready",
            path=str(path),
            board=f"{base_url}/board?token={tokens['board']}",
            kiosk=tokens["kiosk"],
            terminal=f"{base_url}/window/1",
            supervisor=f"{base_url}/supervisor",
            pad=f"{base_url}/pad/1?token={tokens['pad-1']}",
            staff=DEMO_STAFF[0][0],
            supervisor_no=DEMO_SUPERVISOR[0],
            password=DEMO_PASSWORD,
        ),
        flush=True,
    )
    return tokens
