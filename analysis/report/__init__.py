"""Reports: executed notebooks -> self-contained HTML pages, figures, a slide deck and an index page.

``run_reports`` (in ``runner``) is the entry point; ``notebook`` holds the small helpers the report
notebooks call; ``kernels`` the shared Jupyter kernels; ``templates/`` the page templates.
"""

from __future__ import annotations

from analysis.report.runner import NotebookResult, discover_notebooks, run_reports

__all__ = ["NotebookResult", "discover_notebooks", "run_reports"]
