"""SYNTHETIC arrest histories of made-up people, for the familiar faces and for scale.

Real arrest data rarely comes with a person key (NYPD's does not), yet the
toolkit's "familiar faces" are people arrested again and again. This module
makes seeded, reproducible, **synthetic** person-level arrest histories shaped
like the bundled NYPD month (its columns, its statute codes and demographic
labels, drawn with their real frequencies) plus a ``PERSON_KEY`` column: most
made-up people are arrested once or twice, a few (the familiar faces) many
times for low-level conduct. No row describes a real person; every person key
starts with ``synthetic-``.

    >>> table = synthetic_arrests(people=1000, seed=7)
    >>> table.num_rows > 1000, table.column("PERSON_KEY")[0].as_py()
    (True, 'synthetic-000000')
    >>> synthetic_arrests(people=1000, seed=7).equals(table)  # seeded: the same every time
    True

``examples/mappings/synthetic_arrests.textproto`` maps these columns
(the NYPD mapping plus the person key).
"""

from __future__ import annotations

import datetime
import importlib
from pathlib import Path
from typing import Any

__all__ = ["synthetic_arrests", "LOW_LEVEL_CODES", "DEFAULT_SOURCE"]

#: The NYPD month the synthetic data is shaped like, from the repository's root.
DEFAULT_SOURCE = Path("examples") / "data" / "nypd_arrests_2017-12.csv"

#: The low-level conduct familiar faces are arrested for (NYPD's codes):
#: petit larceny, criminal trespass 3, possession 7, disorderly conduct,
#: alcohol in public.
LOW_LEVEL_CODES = ("PL 1552500", "PL 1401000", "PL 2200300", "PL 2402001", "AC 010125B")

_COLUMNS = ("LAW_CODE", "ARREST_BORO", "ARREST_PRECINCT", "AGE_GROUP", "PERP_SEX", "PERP_RACE")


def _month(source: str | Path | None) -> Any:
    csv = importlib.import_module("pyarrow.csv")
    path = Path(source) if source is not None else DEFAULT_SOURCE
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: the NYPD month the synthetic data is shaped like is missing (pass source=, "
            "the path of examples/data/nypd_arrests_2017-12.csv)"
        )
    return csv.read_csv(path, convert_options=csv.ConvertOptions(include_columns=list(_COLUMNS)))


def synthetic_arrests(
    people: int = 10_000,
    *,
    seed: int = 0,
    start: datetime.date = datetime.date(2017, 7, 1),
    days: int = 548,
    familiar_share: float = 0.03,
    source: str | Path | None = None,
) -> Any:
    """A pyarrow Table of SYNTHETIC arrests of `people` made-up people over
    `days` days from `start`: the NYPD month's columns (ARREST_KEY,
    ARREST_DATE as MM/DD/YYYY, LAW_CODE, ARREST_BORO, ARREST_PRECINCT,
    AGE_GROUP, PERP_SEX, PERP_RACE) and PERSON_KEY. A person's borough,
    precinct and demographics are drawn once; `familiar_share` of the people
    have 6 to 20 arrests, mostly for :data:`LOW_LEVEL_CODES`; the others 1 to
    3. `source` is the NYPD month's CSV (default: DEFAULT_SOURCE, from the
    repository's root)."""
    np = importlib.import_module("numpy")
    pa = importlib.import_module("pyarrow")
    month = _month(source)
    rng = np.random.default_rng(seed)

    familiar = rng.random(people) < familiar_share
    counts = np.where(familiar, rng.integers(6, 21, people), rng.integers(1, 4, people))
    person = np.repeat(np.arange(people), counts)
    rows = len(person)

    profile = rng.integers(0, month.num_rows, people)  # whose demographics a person has
    taken = month.take(pa.array(profile[person]))
    codes = np.asarray(month.column("LAW_CODE").take(pa.array(rng.integers(0, month.num_rows, rows))).to_pylist(),
                       dtype=object)
    low_level = familiar[person] & (rng.random(rows) < 0.8)
    codes[low_level] = np.asarray(LOW_LEVEL_CODES, dtype=object)[rng.integers(0, len(LOW_LEVEL_CODES), rows)][low_level]
    offsets = rng.integers(0, days, rows)
    dates = [(start + datetime.timedelta(days=int(d))).strftime("%m/%d/%Y") for d in offsets]
    return pa.table({
        "PERSON_KEY": pa.array([f"synthetic-{p:06d}" for p in person]),
        "ARREST_KEY": pa.array(np.arange(rows, dtype=np.int64) + 900_000_000),
        "ARREST_DATE": pa.array(dates),
        "LAW_CODE": pa.array(list(codes), pa.string()),
        **{name: taken.column(name) for name in _COLUMNS if name != "LAW_CODE"},
    })
