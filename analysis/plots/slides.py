"""Slide deck of the report charts (python-pptx): one 16:9 slide per chart.

Each slide has the chart's title, the chart (its PNG, scaled to fit, aspect kept) and a footer naming
the corpus, its date range, its document count and its hash, so a slide pasted into another deck still
says where its numbers come from. Charts drawn with the ``slide`` figure style fill the slide best.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis import _io
from analysis.errors import AnalysisError

__all__ = ["SlideChart", "charts_from_figures", "write_deck"]

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
_MARGIN_IN = 0.4
_TITLE_H_IN = 0.9
_FOOTER_H_IN = 0.4


@dataclass(frozen=True)
class SlideChart:
    """One chart for the deck: its title, its PNG, and the report it belongs to."""

    title: str
    png: Path
    report: str = ""


def charts_from_figures(figure_dirs: Iterable[tuple[str, Path]]) -> list[SlideChart]:
    """The charts listed in each ``figures.json`` (written by ``save_figure``), in report order.

    ``figure_dirs``: (report title, figures folder) pairs. Folders without a list are skipped; a chart
    whose PNG is missing is left out.
    """
    from analysis.plots.figures import MANIFEST

    charts: list[SlideChart] = []
    for report, folder in figure_dirs:
        try:
            entries = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for entry in entries if isinstance(entries, list) else []:
            png = Path(folder) / str(entry.get("png", ""))
            if entry.get("png") and png.is_file():
                charts.append(SlideChart(str(entry.get("title") or entry.get("name") or ""), png, report))
    return charts


def _font_name() -> str:
    from analysis.plots.fonts import FONT_FAMILY

    return FONT_FAMILY


def write_deck(path: str | Path, charts: Sequence[SlideChart], footer: str) -> Path:
    """Write a 16:9 deck with one slide per chart to ``path`` (atomically); returns the path."""
    from PIL import Image
    from pptx import Presentation
    from pptx.util import Inches, Pt

    if not charts:
        raise AnalysisError("write_deck: no chart to put on slides")
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    blank = prs.slide_layouts[6]
    font = _font_name()
    box_w = SLIDE_W_IN - 2 * _MARGIN_IN
    box_h = SLIDE_H_IN - _TITLE_H_IN - _FOOTER_H_IN - 2 * _MARGIN_IN
    for chart in charts:
        slide = prs.slides.add_slide(blank)
        title = slide.shapes.add_textbox(Inches(_MARGIN_IN), Inches(0.2), Inches(box_w), Inches(_TITLE_H_IN))
        para = title.text_frame.paragraphs[0]
        para.text = chart.title
        para.font.size, para.font.bold, para.font.name = Pt(26), True, font
        title.text_frame.word_wrap = True
        with Image.open(chart.png) as img:
            w_px, h_px = img.size
        scale = min(box_w / w_px, box_h / h_px)
        w_in, h_in = w_px * scale, h_px * scale
        left = (SLIDE_W_IN - w_in) / 2
        top = _TITLE_H_IN + _MARGIN_IN + (box_h - h_in) / 2
        slide.shapes.add_picture(str(chart.png), Inches(left), Inches(top), Inches(w_in), Inches(h_in))
        foot = slide.shapes.add_textbox(
            Inches(_MARGIN_IN), Inches(SLIDE_H_IN - _FOOTER_H_IN - 0.1), Inches(box_w), Inches(_FOOTER_H_IN)
        )
        fpara = foot.text_frame.paragraphs[0]
        fpara.text = f"{footer} · {chart.report}" if chart.report else footer
        fpara.font.size, fpara.font.name = Pt(10), font
        slide.notes_slide.notes_text_frame.text = str(chart.png.name)
    out = Path(path)
    return _io.write_with(out, lambda t: prs.save(t), suffix=".pptx")
