"""Every notebook in examples/notebooks/ runs from top to bottom (nbclient, an
IPython kernel of this interpreter) without an error, from its own folder as
Jupyter would run it: a scratch examples/notebooks/ whose siblings (data/,
policies/, ...) link to the repository's, so that what a notebook writes
lands there, not in the repository.

A notebook says what it must print in its metadata: ``divert.expect`` lists
lines (or parts of lines) that must appear in its printed output, so a
notebook that runs but computes something else fails too. Notebooks are
committed without outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO_ROOT / "examples" / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert any(path.name == "screening_nypd_month.ipynb" for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_committed_without_outputs(path: Path) -> None:
    notebook = _read(path)
    nbformat.validate(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {index} has outputs: strip them"


def _read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]


def _printed(notebook: Any) -> str:
    """The text the notebook's code cells printed (stdout and stderr)."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
    return "".join(parts)


def _scratch_folder(tmp_path: Path) -> Path:
    examples = tmp_path / "examples"
    (examples / "notebooks").mkdir(parents=True)
    for entry in (REPO_ROOT / "examples").iterdir():
        if entry.name != "notebooks":
            (examples / entry.name).symlink_to(entry)
    return examples / "notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_runs_without_error(path: Path, tmp_path: Path) -> None:
    notebook = _read(path)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(_scratch_folder(tmp_path))}})
    client.execute()  # raises CellExecutionError, naming the cell, on an error

    printed = _printed(notebook)
    assert printed.strip(), "the notebook printed nothing"
    for line in notebook.metadata.get("divert", {}).get("expect", []):
        assert line in printed, f"{path.name} did not print {line!r}; it printed:\n{printed}"
