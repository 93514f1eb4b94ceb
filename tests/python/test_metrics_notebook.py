"""examples/notebooks/metrics_quarterly_report.ipynb runs from top to bottom
(nbclient), on the bundled SYNTHETIC site, so that it never rots."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "metrics_quarterly_report.ipynb"


def test_the_metrics_notebook_runs(tmp_path: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    page = (tmp_path / "quarterly_report_2024Q1.html").read_text()
    assert "SYNTHETIC DATA" in page
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
