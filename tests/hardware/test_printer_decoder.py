"""The decoder reads real-world streams and survives what it does not know."""

from escpos.printer import Dummy

from hardware.printer.escpos_decoder import Note, PaperCut, QRCode, RasterImage, TextLine, decode, text_lines


def test_unknown_command_is_skipped_with_a_note_and_the_ticket_still_decodes():
    data = b"\x1b@" + b"\x1b\x7f" + b"\x1c&" + "叫号".encode("gbk") + b"\x1c.\n" + b"\x1dVB\x03"
    elements = decode(data)
    assert text_lines(elements) == ["叫号"]
    assert any(isinstance(e, Note) and "unknown" in e.message for e in elements)
    assert isinstance(elements[-1], PaperCut)


def test_truncated_raster_at_the_end_is_reported_not_crashed():
    data = b"\x1b@ok\n" + b"\x1dv0\x00\x48\x00\x10\x00" + b"\xff" * 20
    elements = decode(data)
    assert text_lines(elements) == ["ok"]
    assert any(isinstance(e, Note) and "truncated" in e.message for e in elements)


def test_stream_from_python_escpos_decodes_text_qr_image_and_cut():
    from PIL import Image

    printer = Dummy()
    printer.set(align="center", bold=True, double_height=True)
    printer.text("Hello 9100\n")
    printer.qr("https://yichuang.example/q", native=True, size=5)
    printer.image(Image.new("1", (64, 16), 0), impl="bitImageRaster")
    printer.cut()
    elements = decode(printer.output)

    line = next(e for e in elements if isinstance(e, TextLine))
    assert (line.text, line.align, line.bold, line.height) == ("Hello 9100", "center", True, 2)
    assert [e.payload for e in elements if isinstance(e, QRCode)] == ["https://yichuang.example/q"]
    image = next(e for e in elements if isinstance(e, RasterImage))
    assert image.width == 64 and image.image.convert("L").histogram()[0] == 64 * 16
    assert isinstance(elements[-1], PaperCut)


def test_mixed_sizes_on_one_line_are_separate_runs():
    data = b"\x1b@\x1d!\x00No.\x1d!\x33A001\n"
    line = decode(data)[0]
    assert isinstance(line, TextLine)
    assert [(r.text, r.width, r.height) for r in line.runs] == [("No.", 1, 1), ("A001", 4, 4)]
    assert (line.width, line.height) == (4, 4)
