"""`yichuang kiosk` refuses to start, with a clear Chinese message, when its settings or font are wrong."""

from __future__ import annotations

import sys

import pytest

from yichuang.cli import main


def run_kiosk(capsys, *argv: str) -> tuple[int, str]:
    rc = main(["kiosk", *argv])
    return rc, capsys.readouterr().err


@pytest.fixture(autouse=True)
def never_start_the_app(monkeypatch):
    # These tests run the CLI in-process: if a check ever let the app through, Kivy must not open
    # a window inside pytest (it would block the run); fail the test instead.
    import kiosk.kivy_setup

    def refuse():
        raise AssertionError("the kiosk app would have started")

    monkeypatch.setattr(kiosk.kivy_setup, "prepare_environment", refuse)


@pytest.fixture
def ok_flags():
    return ["--server", "http://127.0.0.1:9", "--token", "t", "--printer", "dummy"]


def test_misspelt_config_key_is_named(tmp_path, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[server]\nurl = "http://127.0.0.1:9"\ntoken = "t"\nread_timout = 3\n', encoding="utf-8")
    rc, err = run_kiosk(capsys, "--config", str(cfg), "--printer", "dummy")
    assert rc == 2
    assert "不认识的配置项 [server] read_timout" in err and "[server] read_timeout" in err


def test_config_value_of_wrong_type_names_key_and_expected_form(tmp_path, capsys, ok_flags):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[kiosk]\nidle_seconds = "thirty"\n', encoding="utf-8")
    rc, err = run_kiosk(capsys, "--config", str(cfg), *ok_flags)
    assert rc == 2
    assert "[kiosk] idle_seconds" in err and "5 到 600 之间的秒数" in err


def test_broken_toml_is_reported_with_file_name(tmp_path, capsys, ok_flags):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[server\nurl = 1\n", encoding="utf-8")
    rc, err = run_kiosk(capsys, "--config", str(cfg), *ok_flags)
    assert rc == 2 and str(cfg) in err and "不是有效的 TOML" in err


def test_missing_server_address_names_flag_and_key(capsys):
    rc, err = run_kiosk(capsys, "--token", "t", "--printer", "dummy")
    assert rc == 2 and "--server" in err and "[server] url" in err


def test_bad_printer_spec_is_explained(capsys):
    rc, err = run_kiosk(capsys, "--server", "http://127.0.0.1:9", "--token", "t", "--printer", "network:printer:99999")
    assert rc == 2 and "network:192.0.2.5:9100" in err


def test_no_chinese_font_refuses_to_start(tmp_path, capsys, monkeypatch, ok_flags):
    monkeypatch.setenv("YICHUANG_KIOSK_FONT_DIRS", str(tmp_path))  # a machine without CJK fonts
    rc, err = run_kiosk(capsys, *ok_flags)
    assert rc == 2
    assert "找不到中文字体" in err and "fonts-wqy-microhei" in err


def test_latin_only_font_configured_is_refused(tmp_path, capsys, ok_flags):
    import importlib.util
    import os

    # Locate Kivy's Latin-only Roboto without importing Kivy here (its import rewires logging).
    kivy_dir = importlib.util.find_spec("kivy").submodule_search_locations[0]
    roboto = os.path.join(kivy_dir, "data", "fonts", "Roboto-Regular.ttf")
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[display]\nfont = "{roboto}"\n', encoding="utf-8")
    rc, err = run_kiosk(capsys, "--config", str(cfg), *ok_flags)
    assert rc == 2 and "不含中文字形" in err


def test_without_kivy_the_kiosk_says_in_chinese_what_to_install(capsys, ok_flags, monkeypatch):
    monkeypatch.setitem(sys.modules, "kivy", None)  # as on a machine without Kivy
    rc, err = run_kiosk(capsys, *ok_flags)
    assert rc == 2 and "Kivy" in err and "yichuang[kiosk]" in err and "Traceback" not in err
