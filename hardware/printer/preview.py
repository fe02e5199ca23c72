"""Draw what a printer would print from the BYTES (decoded), not from the layout.

So a preview also shows encoder bugs, and support can render a captured job.
CLI (wired into ``yichuang print-preview`` by the lead):
    print-preview --input slip.bin --output slip.png
    print-preview --demo --output slip.png [--raster] [--locale en]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

from hall_common.i18n import message

from . import raster
from .escpos_decoder import Element, Note, PaperCut, PaperFeed, QRCode, RasterImage, TextLine, decode
from .fonts import CjkFontNotFound, FontSet, default_fonts
from .layout import Align

MARGIN = 12  # blank dots above the first line, like the paper after the previous cut
CUT_MARK = 160  # grey dashes where the cutter cuts


def render_elements(elements: list[Element], paper_width: int = 576, fonts: FontSet | None = None) -> Image.Image:
    parts: list[Image.Image] = [Image.new("L", (paper_width, MARGIN), 255)]
    for element in elements:
        if isinstance(element, TextLine):
            fonts = fonts or default_fonts()
            runs = [raster.text_run_image(r.text, r.width, r.height, r.bold, fonts) for r in element.runs]
            parts.append(raster.line_of_runs(runs, Align(element.align), paper_width))
        elif isinstance(element, QRCode):
            image = raster.qr_image(
                element.payload,
                element.module_size,
                element.error_correction if element.error_correction in "LMQH" else "M",
            )
            parts.append(raster.placed(image, paper_width, Align(element.align)))
        elif isinstance(element, RasterImage):
            image = element.image.convert("L")
            scale_w, scale_h = (2 if element.mode & 1 else 1), (2 if element.mode & 2 else 1)
            if scale_w > 1 or scale_h > 1:
                image = image.resize((image.width * scale_w, image.height * scale_h), Image.Resampling.NEAREST)
            parts.append(raster.placed(image, paper_width, Align(element.align)))
        elif isinstance(element, PaperFeed):
            height = element.lines * raster.FEED_PITCH + element.dots
            if height:
                parts.append(Image.new("L", (paper_width, height), 255))
        elif isinstance(element, PaperCut):
            gap = Image.new("L", (paper_width, element.feed_units + 8), 255)
            draw = ImageDraw.Draw(gap)
            y = gap.height - 4
            for x in range(0, paper_width, 16):
                draw.line((x, y, x + 8, y), fill=CUT_MARK, width=2)
            parts.append(gap)
    return raster.stack(parts, paper_width)


def render_png(data: bytes, path: str | Path, paper_width: int = 576) -> Image.Image:
    """Decode ``data`` and write the picture of it to ``path``; returns the image."""
    image = render_elements(decode(data), paper_width)
    image.save(path, format="PNG", optimize=True)
    return image


def main(argv: list[str] | None = None) -> int:
    from hall_common.cli_parser import CliParser
    from hall_common.cli_parser import help_text as h

    parser = CliParser(prog="yichuang print-preview", description=h("cli_help.preview_description"))
    parser.add_argument("--input", help=h("cli_help.preview_input"))
    parser.add_argument("--output", required=True, help=h("cli_help.preview_output"))
    parser.add_argument("--demo", action="store_true", help=h("cli_help.preview_demo"))
    parser.add_argument("--raster", action="store_true", help=h("cli_help.preview_raster"))
    parser.add_argument("--width", type=int, default=576, help=h("cli_help.preview_width"))
    parser.add_argument("--locale", default="zh_CN", choices=("zh_CN", "en"), help=h("cli_help.preview_locale"))
    parser.add_argument("--save-bin", help=h("cli_help.preview_save_bin"))
    args = parser.parse_args(argv)

    try:
        if args.demo:
            from .escpos_encoder import EncoderOptions, encode
            from .slip import demo_slip, slip_blocks

            data = encode(
                slip_blocks(demo_slip(args.locale), args.locale),
                EncoderOptions(paper_width=args.width, force_raster=args.raster),
            )
            if args.save_bin:
                Path(args.save_bin).write_bytes(data)
        elif args.input:
            path = Path(args.input)
            if not path.is_file():
                print(message("printer.preview_input_missing", args.locale, path=path), file=sys.stderr)
                return 2
            data = path.read_bytes()
        else:
            print(message("printer.preview_need_input", args.locale), file=sys.stderr)
            return 2
        elements = decode(data)
        notes = [e for e in elements if isinstance(e, Note)]
        if notes:
            print(message("printer.preview_notes", args.locale, count=len(notes)), file=sys.stderr)
            for note in notes:
                print(f"  @{note.offset}: {note.message}", file=sys.stderr)
        render_elements(elements, args.width).save(args.output, format="PNG", optimize=True)
    except CjkFontNotFound as exc:
        print(str(exc) if args.locale == "zh_CN" else CjkFontNotFound("en"), file=sys.stderr)
        return 3
    print(message("printer.preview_written", args.locale, path=args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
