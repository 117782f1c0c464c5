"""DataFrame -> matplotlib Figure (``figures``), escaped HTML tables (``tables``), the CJK font (``fonts``).

Everything public of ``figures`` and ``tables`` is re-exported here, so notebooks write
``from analysis import plots; plots.plot_top_terms(...)`` (or ``tl.plots``). Every plot function takes
``lang="zh" | "en"``; ``configure(lang=..., figure_style=...)`` sets the defaults for a session, and
``figure_title(fig)`` reads a figure's title.
"""

from __future__ import annotations

from analysis.plots.figures import *  # noqa: F403
from analysis.plots.figures import __all__ as _figures_all
from analysis.plots.style import configure, english_company_name, legend_label
from analysis.plots.tables import *  # noqa: F403
from analysis.plots.tables import __all__ as _tables_all

__all__ = [*_figures_all, *_tables_all, "configure", "english_company_name", "legend_label"]
