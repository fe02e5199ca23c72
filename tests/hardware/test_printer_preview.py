"""Previews are drawn from the bytes, so they show what the printer would print."""

from PIL import Image

from hardware.printer import Align, Cut, Feed, PrinterState, Text, encode, print_job, printer_from_spec, slip_blocks
from hardware.printer.escpos_decoder import decode, text_lines
from hardware.printer.preview import main, render_elements, render_png


def _dark(image, box) -> int:
    """Number of dark pixels (grey level below 100) inside ``box``."""
    return sum(image.convert("L").crop(box).histogram()[:100])


def test_preview_png_has_dark_pixels_where_the_text_is_and_none_elsewhere(tmp_path):
    data = encode([Text("A001", width=4, height=4, align=Align.RIGHT), Feed(3), Cut()])
    image = render_png(data, tmp_path / "slip.png")
    assert Image.open(tmp_path / "slip.png").width == 576
    top, bottom = 12, 12 + 96  # the 4x line (96 dots tall) starts below the top margin
    assert _dark(image, (576 - 4 * 48, top, 576, bottom)) > 500, "right-aligned number is drawn on the right"
    assert _dark(image, (0, top, 576 - 4 * 48, bottom)) == 0, "nothing on the left of a right-aligned line"
    assert _dark(image, (0, bottom + 6, 576, bottom + 6 + 3 * 30)) == 0, "the feed is blank paper"


def test_preview_draws_a_rare_character_line_from_its_raster_image(tmp_path):
    image = render_png(encode([Text("申请人：王䶮")]), tmp_path / "rare.png")
    assert _dark(image, (0, 0, 576, image.height)) > 100


def test_preview_printer_writes_each_job_as_bin_and_png(tmp_path, printer_slip_factory):
    printer = printer_from_spec(f"preview:{tmp_path / 'prints'}")
    for number in ("A001", "A002"):
        assert print_job(printer, encode(slip_blocks(printer_slip_factory(number=number)))).printed
    bins = sorted((tmp_path / "prints").glob("*.bin"))
    pngs = sorted((tmp_path / "prints").glob("*.png"))
    assert len(bins) == 2 and len(pngs) == 2
    assert "A002" in text_lines(decode(bins[1].read_bytes()))
    assert Image.open(pngs[0]).width == 576


def test_preview_printer_can_simulate_paper_out_for_the_kiosk_demo(tmp_path):
    printer = printer_from_spec(f"preview:{tmp_path}")
    printer.state = PrinterState.PAPER_OUT
    assert not print_job(printer, b"x").printed
    assert list(tmp_path.iterdir()) == []


def test_print_preview_command_renders_a_captured_job(tmp_path, capsys):
    assert main(["--demo", "--output", str(tmp_path / "demo.png"), "--save-bin", str(tmp_path / "demo.bin")]) == 0
    assert main(["--input", str(tmp_path / "demo.bin"), "--output", str(tmp_path / "again.png")]) == 0
    assert Image.open(tmp_path / "again.png").size == Image.open(tmp_path / "demo.png").size
    assert "预览已写入" in capsys.readouterr().out


def test_print_preview_command_reports_a_missing_input_file(tmp_path, capsys):
    assert main(["--input", str(tmp_path / "nope.bin"), "--output", str(tmp_path / "x.png"), "--locale", "en"]) == 2
    assert "not found" in capsys.readouterr().err


def test_preview_of_the_decoded_slip_is_as_tall_as_its_content(printer_slip_factory):
    elements = decode(encode(slip_blocks(printer_slip_factory())))
    image = render_elements(elements)
    assert image.width == 576 and 700 < image.height < 1400


def test_demo_slip_is_the_pilot_halls_on_a_fixed_day(tmp_path):
    assert main(["--demo", "--output", str(tmp_path / "a.png"), "--save-bin", str(tmp_path / "a.bin")]) == 0
    lines = "\n".join(text_lines(decode((tmp_path / "a.bin").read_bytes())))
    assert "金寨县斑竹园镇便民服务中心" in lines and "某某" not in lines
    assert "2026-11-26" in lines or "2026年11月26日" in lines
