"""Raster printing: rare name characters and printers without a Chinese font."""

import pytest

from hardware.printer import EncoderOptions, encode, encode_ticket, slip_blocks
from hardware.printer.escpos_decoder import PaperCut, QRCode, RasterImage, decode, text_lines
from hardware.printer.fonts import CjkFontNotFound, FontFace, FontSet
from hardware.printer.layout import QR, Align, Cut, Feed, Text


def _dark_pixels(image) -> int:
    return image.convert("L").histogram()[0]


@pytest.mark.parametrize("name", ["王䶮", "吉𠮷"])
def test_rare_name_character_falls_back_to_raster_for_that_line_only(name):
    blocks = [
        Text("受理通知书", width=2, height=2, align=Align.CENTER),
        Text(f"申请人：{name}"),
        Text("事项：城乡居民养老保险"),
        QR("https://yichuang.example/c/1"),
        Cut(),
    ]
    ticket = encode_ticket(blocks)
    elements = decode(ticket.data)

    assert ticket.raster_lines == [f"申请人：{name}"]
    assert text_lines(elements) == ["受理通知书", "事项：城乡居民养老保险"]
    images = [e for e in elements if isinstance(e, RasterImage)]
    assert len(images) == 1
    assert images[0].width == 576
    assert images[0].image.height == 24 + 6  # one 1x text row plus line spacing
    assert _dark_pixels(images[0].image) > 100
    # Order is kept: the image sits between the title and the next line.
    kinds = [type(e).__name__ for e in elements if not type(e).__name__ == "PaperFeed"]
    assert kinds == ["TextLine", "RasterImage", "TextLine", "QRCode", "PaperCut"]


def test_forced_raster_slip_is_one_576_dot_image_then_a_cut(printer_slip_factory):
    data = encode(slip_blocks(printer_slip_factory()), EncoderOptions(force_raster=True))
    elements = decode(data)
    images = [e for e in elements if isinstance(e, RasterImage)]
    assert len(images) == 1  # bands of 256 rows are joined back by the decoder
    assert images[0].width == 576
    assert images[0].image.height > 256
    assert text_lines(elements) == [] and not any(isinstance(e, QRCode) for e in elements)
    assert isinstance(elements[-1], PaperCut)
    assert len(data) > 10 * len(encode(slip_blocks(printer_slip_factory())))


def test_forced_raster_for_58mm_paper_is_384_dots_wide():
    data = encode([Text("便民服务中心"), QR("x"), Feed(1), Cut()], EncoderOptions(force_raster=True, paper_width=384))
    assert {e.width for e in decode(data) if isinstance(e, RasterImage)} == {384}


def test_raster_qr_is_drawn_in_the_picture():
    with_qr = encode([QR("https://yichuang.example/t/1", module_size=6)], EncoderOptions(force_raster=True))
    image = next(e for e in decode(with_qr) if isinstance(e, RasterImage)).image
    assert _dark_pixels(image) > 1000


def test_font_chain_draws_each_character_with_the_first_face_that_has_it():
    fonts = FontSet(
        [
            FontFace("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
            FontFace("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        ]
    )
    assert fonts.face_for("A") == 0
    assert fonts.face_for("中") == 1
    assert fonts.missing("A中") == set()


def test_without_any_cjk_font_the_error_names_the_debian_package():
    with pytest.raises(CjkFontNotFound, match="fonts-wqy-microhei"):
        FontSet([])


def test_raster_line_is_only_used_when_needed_and_text_stays_text():
    ticket = encode_ticket([Text("A001", width=4, height=4), Text("办理窗口：3号")])
    assert ticket.raster_lines == []
    assert text_lines(decode(ticket.data)) == ["A001", "办理窗口：3号"]


def test_rare_character_inside_a_wrapped_paragraph_rasterises_only_its_own_line():
    text = "申请人" + "甲" * 30 + "䶮"  # wraps: first line plain, second line holds 䶮
    ticket = encode_ticket([Text(text)])
    assert len(ticket.raster_lines) == 1 and ticket.raster_lines[0].endswith("䶮")
    assert len(text_lines(decode(ticket.data))) == 1
