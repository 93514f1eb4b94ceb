"""Every notebook in examples/notebooks/ runs from top to bottom (nbclient, an
IPython kernel of this interpreter) without an error, from a notebooks folder
as Jupyter would run it: a copy in a temporary directory, next to the
repository's other example folders, so that files a notebook writes stay out
of the repository.

A notebook says what it must produce in its metadata, so that a notebook that
runs but computes something else fails too: ``divert.expect`` lists lines (or
parts of lines) that must appear in its printed output, ``divert.expect_files``
maps a file it writes to texts that file must contain, and
``divert.expect_images`` asks for at least one chart. Notebooks are committed
without outputs.
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


def _examples_copy(tmp_path: Path) -> Path:
    """A notebooks folder in `tmp_path`, beside links to the other example
    folders (data, policies, mappings), as notebooks find them."""
    examples = tmp_path / "examples"
    examples.mkdir()
    for folder in (REPO_ROOT / "examples").iterdir():
        if folder.is_dir() and folder.name != "notebooks":
            (examples / folder.name).symlink_to(folder, target_is_directory=True)
    notebooks = examples / "notebooks"
    notebooks.mkdir()
    return notebooks


def _has_image(notebook: Any) -> bool:
    return any("image/png" in output.get("data", {})
               for cell in notebook.cells for output in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_runs_without_error(path: Path, tmp_path: Path) -> None:
    notebook = _read(path)
    folder = _examples_copy(tmp_path)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute()  # raises CellExecutionError, naming the cell, on an error

    printed = _printed(notebook)
    assert printed.strip(), "the notebook printed nothing"
    expected = notebook.metadata.get("divert", {})
    for line in expected.get("expect", []):
        assert line in printed, f"{path.name} did not print {line!r}; it printed:\n{printed}"
    for name, texts in expected.get("expect_files", {}).items():
        written = (folder / name).read_text()
        for text in texts:
            assert text in written, f"{path.name} wrote {name} without {text!r}"
    if expected.get("expect_images"):
        assert _has_image(notebook), f"{path.name} drew no chart"
