"""Printer spec strings from the kiosk configuration."""

import pytest

from hardware.printer import (
    CupsTransport,
    DummyTransport,
    FileTransport,
    NetworkTransport,
    PreviewTransport,
    PrinterSpecError,
    SerialTransport,
    UsbTransport,
    printer_from_spec,
)


def test_network_spec_gives_host_and_port():
    printer = printer_from_spec("network:192.0.2.5:9100")
    assert isinstance(printer, NetworkTransport) and (printer.host, printer.port) == ("192.0.2.5", 9100)
    assert printer_from_spec("network:printer.local").port == 9100
    assert printer_from_spec("network:[::1]:9101").host == "::1"


def test_serial_spec_reads_line_settings():
    printer = printer_from_spec("serial:/dev/ttyUSB0?baudrate=115200&parity=e&rtscts=1")
    assert isinstance(printer, SerialTransport)
    assert printer.port == "/dev/ttyUSB0"
    assert printer.settings["baudrate"] == 115200 and printer.settings["parity"] == "E"
    assert printer.settings["rtscts"] is True


def test_other_specs_pick_their_transport():
    usb = printer_from_spec("usb:0x0416:0x5011")
    assert isinstance(usb, UsbTransport) and (usb.vendor_id, usb.product_id) == (0x0416, 0x5011)
    assert isinstance(printer_from_spec("file:/dev/usb/lp0"), FileTransport)
    assert isinstance(printer_from_spec("cups:receipt"), CupsTransport)
    assert isinstance(printer_from_spec("preview:/tmp/p"), PreviewTransport)
    assert isinstance(printer_from_spec("dummy"), DummyTransport)


@pytest.mark.parametrize(
    "spec,says,example",
    [
        ("", "未配置打印机", "network:192.0.2.5:9100"),
        ("bluetooth:AA:BB", "bluetooth", "network:192.0.2.5:9100"),
        ("network:192.0.2.5:99999", "1–65535", "network:192.0.2.5:9100"),
        ("network::9100", "主机:端口", "network:192.0.2.5:9100"),
        ("serial:/dev/ttyS0?baud=9600", "baud", "serial:/dev/ttyUSB0?baudrate=9600"),
        ("serial:/dev/ttyS0?baudrate=fast", "fast", "serial:/dev/ttyUSB0?baudrate=9600"),
        ("serial:", "缺少路径", "serial:/dev/ttyUSB0?baudrate=9600"),
        ("usb:0416", "厂商号", "usb:0x0416:0x5011"),
        ("usb:zz:11", "厂商号", "usb:0x0416:0x5011"),
        ("file:", "缺少路径", "file:/dev/usb/lp0"),
        ("cups:", "队列名", "cups:receipt"),
    ],
)
def test_bad_spec_says_what_is_wrong_and_shows_a_valid_example(spec, says, example):
    with pytest.raises(PrinterSpecError) as caught:
        printer_from_spec(spec)
    text = str(caught.value)
    assert says in text and example in text
    assert example in caught.value.message("en")


def test_bad_spec_message_in_english():
    with pytest.raises(PrinterSpecError) as caught:
        printer_from_spec("serial:/dev/ttyS0?stopbits=3")
    assert "stopbits" in caught.value.message("en") and "Example" in caught.value.message("en")
