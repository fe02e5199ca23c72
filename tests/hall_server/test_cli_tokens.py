"""`yichuang token create --staff-no`: the person gets the token's role, so the token works on their page."""

from __future__ import annotations

import httpx

from tests.support.live_server import start_live_hall
from yichuang.cli import main


def _create(tmp_path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["token", "create", *args, "--data", str(tmp_path)])
    out = capsys.readouterr()
    return code, out.out.strip().splitlines()[-1] if out.out.strip() else "", out.err


def test_a_back_office_token_for_a_new_staff_member_opens_the_back_office_in_tray(tmp_path, capsys):
    code, token, _ = _create(tmp_path, capsys, "--role", "backoffice", "--staff-no", "MZB01", "--label", "民政办")
    assert code == 0
    hall = start_live_hall(f"sqlite:///{tmp_path / 'yichuang.db'}", "2026-11-26 10:00")
    try:
        # The route the back-office page (/cases-ui/backoffice) reads its in-tray from.
        r = httpx.get(f"{hall.base_url}/api/v1/cases/inbox", headers={"Authorization": f"Bearer {token}"})
        me = httpx.get(f"{hall.base_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        hall.stop()
    assert r.status_code == 200, r.text
    assert me.json()["role"] == "backoffice"


def test_a_token_of_another_role_than_the_persons_is_refused_with_the_fix(tmp_path, capsys):
    assert _create(tmp_path, capsys, "--role", "clerk", "--window", "1", "--staff-no", "BZY009")[0] == 0
    code, _, err = _create(tmp_path, capsys, "--role", "backoffice", "--staff-no", "BZY009")
    assert code == 2
    assert "BZY009 的角色是 clerk" in err and "yichuang account set-role --staff-no BZY009 --role backoffice" in err


def test_a_device_token_is_not_bound_to_a_person(tmp_path, capsys):
    code, _, err = _create(tmp_path, capsys, "--role", "kiosk", "--staff-no", "BZY009")
    assert code == 2 and "去掉 --staff-no" in err
