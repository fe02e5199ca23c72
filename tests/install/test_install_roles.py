"""`yichuang install --role ROLE --root DIR`: the tree each role gets, its modes and owners, units
that systemd 252 accepts, and the refusals in Chinese before anything is touched."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from yichuang.cli import main

from .conftest import ROLE_OPTIONS, ROOT_DIR, SERVER, TOKEN, install_args

UNITS = {
    "server": ["yichuang-server.service", "yichuang-backup.service", "yichuang-backup.timer"],
    "kiosk": ["yichuang-kiosk.service"],
    "board": ["yichuang-board.service"],
    "announcer": ["yichuang-announcer.service"],
    "bridges": ["yichuang-bridge@ledbar.service"],
}
ENABLED = {
    "server": ["multi-user.target.wants/yichuang-server.service", "timers.target.wants/yichuang-backup.timer"],
    "kiosk": ["multi-user.target.wants/yichuang-kiosk.service", "graphical.target.wants/yichuang-kiosk.service"],
    "board": ["multi-user.target.wants/yichuang-board.service"],
    "announcer": ["multi-user.target.wants/yichuang-announcer.service"],
    "bridges": ["multi-user.target.wants/yichuang-bridge@ledbar.service"],
}
# path -> (mode, owner, group) of what each role installs
TREE = {
    "server": {
        "etc/yichuang/hall.toml": (0o640, "root", "yichuang"),
        "etc/yichuang/server.env": (0o640, "root", "yichuang"),
        "var/lib/yichuang/backups": (0o750, "yichuang", "yichuang"),
    },
    "kiosk": {
        "etc/yichuang/kiosk.env": (0o640, "root", "yichuang"),
        "etc/yichuang/kiosk.token": (0o600, "yichuang", "yichuang"),
    },
    "board": {"etc/yichuang/board.env": (0o600, "root", "root")},
    "announcer": {
        "etc/yichuang/announcer.env": (0o640, "root", "yichuang"),
        "etc/yichuang/announcer.token": (0o600, "yichuang", "yichuang"),
    },
    "bridges": {
        "etc/yichuang/bridge-ledbar.env": (0o640, "root", "yichuang"),
        "etc/yichuang/bridge-ledbar.token": (0o600, "yichuang", "yichuang"),
    },
}
EVERY_ROLE = {
    "etc/yichuang": (0o750, "root", "yichuang"),
    "var/lib/yichuang": (0o750, "yichuang", "yichuang"),
    "etc/systemd/journald.conf.d/yichuang.conf": (0o644, "root", "root"),
}


def _install(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _ids(root, name):
    for line in (root / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return int(fields[2]), int(fields[3])
    raise AssertionError(f"{name} not in the root's /etc/passwd")


@pytest.mark.parametrize("role", sorted(ROLE_OPTIONS))
def test_each_role_installs_its_files_with_strict_modes(role, target, token_file, capsys):
    code, out, err = _install(capsys, *install_args(role, target, token_file))
    assert (code, err) == (0, ""), err
    expected = {**EVERY_ROLE, **TREE[role]}
    modes = {path: stat.S_IMODE((target / path).stat().st_mode) for path in expected}
    assert modes == {path: mode for path, (mode, _owner, _group) in expected.items()}
    for link in ENABLED[role]:
        assert (target / "etc/systemd/system" / link).is_symlink(), link
    if os.geteuid() == 0:  # owners can be given only by root
        uid, gid = _ids(target, "yichuang")
        owners = {path: ((target / path).stat().st_uid, (target / path).stat().st_gid) for path in expected}
        named = {"root": 0, "yichuang": uid}
        assert owners == {
            path: (named[owner], 0 if group == "root" else gid) for path, (_mode, owner, group) in expected.items()
        }


@pytest.mark.parametrize("role", sorted(ROLE_OPTIONS))
def test_every_unit_passes_systemd_analyze_verify(role, target, token_file, capsys):
    assert _install(capsys, *install_args(role, target, token_file))[0] == 0
    for unit in UNITS[role]:
        # --recursive-errors=no: the root holds no systemd of its own (sysinit.target…); the unit's
        # own keys and every ExecStart's program (looked up inside the root) are still checked.
        done = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", "--recursive-errors=no", f"--root={target}", unit],
            capture_output=True,
            text=True,
        )
        assert (done.returncode, done.stderr) == (0, ""), (unit, done.stderr)


def test_a_unit_whose_program_is_missing_fails_verify(target, token_file, capsys):
    # The check above can fail: without the venv's command the server unit is refused.
    assert _install(capsys, *install_args("server", target, token_file))[0] == 0
    (target / "opt/yichuang/venv/bin/yichuang").unlink()
    done = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            "--man=no",
            "--recursive-errors=no",
            f"--root={target}",
            "yichuang-server.service",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "/opt/yichuang/venv/bin/yichuang" in done.stderr


def test_the_device_units_read_the_token_from_its_file_not_the_command_line(target, token_file, capsys):
    assert _install(capsys, *install_args("kiosk", target, token_file))[0] == 0
    unit = (target / "etc/systemd/system/yichuang-kiosk.service").read_text()
    assert "--token-file /etc/yichuang/kiosk.token" in unit and TOKEN not in unit
    assert (target / "etc/yichuang/kiosk.token").read_text() == TOKEN + "\n"


def test_the_board_opens_its_page_with_its_token_in_chromium_kiosk_mode(target, token_file, capsys):
    assert _install(capsys, *install_args("board", target, token_file))[0] == 0
    unit = (target / "etc/systemd/system/yichuang-board.service").read_text()
    env = (target / "etc/yichuang/board.env").read_text()
    assert "/usr/bin/chromium --kiosk --noerrdialogs --disable-session-crashed-bubble" in unit
    assert "Restart=always" in unit
    assert env == f'YICHUANG_PAGE_URL="{SERVER}/board?layout=portrait&token={TOKEN}"\n'


def test_installing_again_changes_nothing_and_succeeds(target, token_file, capsys):
    args = install_args("server", target, token_file)
    assert _install(capsys, *args)[0] == 0
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file() and "passwd" not in p.name}
    code, out, err = _install(capsys, *args)
    after = {p: p.read_bytes() for p in target.rglob("*") if p.is_file() and "passwd" not in p.name}
    assert (code, err) == (0, "")
    assert after == before
    assert "写文件" not in out and "useradd" not in out


def test_dry_run_lists_the_steps_and_writes_nothing(target, token_file, capsys):
    before = sorted(target.rglob("*"))
    code, out, err = _install(capsys, *install_args("server", target, token_file), "--dry-run")
    assert (code, err) == (0, "")
    assert sorted(target.rglob("*")) == before
    assert "写文件 /etc/systemd/system/yichuang-server.service（权限 0644）" in out
    assert "systemctl --root=" in out


def test_an_unknown_role_is_refused_in_chinese(target, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["install", "--role", "printer", "--root", str(target)])
    assert exit_.value.code == 2
    assert "参数 --role 的值 'printer' 不可用" in capsys.readouterr().err


def test_the_server_without_a_hall_file_is_refused(target, capsys):
    code, _out, err = _install(capsys, "install", "--role", "server", "--root", str(target))
    assert code == 2 and "角色 server 需要 --hall-file。" in err
    code, _out, err = _install(capsys, "install", "--role", "server", "--root", str(target), "--hall-file", "nope.toml")
    assert code == 2 and "找不到大厅配置文件 nope.toml。" in err
    assert not (target / "etc/yichuang").exists()


def test_a_token_file_others_can_read_is_refused(target, token_file, capsys):
    token_file.chmod(0o644)
    code, _out, err = _install(capsys, *install_args("kiosk", target, token_file))
    assert code == 2
    assert f"令牌文件 {token_file} 的权限是 0644，别的账号也能读。请先运行 chmod 600 {token_file}" in err
    assert not (target / "etc/yichuang").exists()


def test_installing_on_this_machine_needs_root(monkeypatch, token_file, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    code, _out, err = _install(
        capsys, "install", "--role", "kiosk", "--server", SERVER, "--token-file", str(token_file)
    )
    assert code == 2 and "安装要用 root 运行" in err


def test_dry_run_on_this_machine_lists_packages_venv_from_the_lock_and_restarts(token_file, capsys):
    code, out, err = _install(
        capsys, "install", "--role", "announcer", "--server", SERVER, "--token-file", str(token_file), "--dry-run"
    )
    assert (code, err) == (0, "")
    steps = [line for line in out.splitlines() if line.startswith("运行：")]
    assert steps[0] == "运行：apt-get install -y --no-install-recommends python3-venv espeak-ng alsa-utils"
    assert any(s.endswith("-r " + str(ROOT_DIR / "requirements" / "main.lock")) for s in steps), steps
    assert steps[-3:] == [
        "运行：systemctl enable yichuang-announcer.service",
        "运行：systemctl restart yichuang-announcer.service",
        "运行：systemctl try-restart systemd-journald.service",
    ]
