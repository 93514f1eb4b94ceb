"""Types of divert._core, the compiled extension module (bindings/python/).

Internal: the public API is divert.Policy and divert.cel, which wrap these.
Each binding file (bindings/python/*_bindings.cc) has its section here; a
binding without one yet is typed as Any through __getattr__ below, so add
its stubs with it.
"""

from typing import Any, Callable, Mapping

__version__: str

# --- cel_bindings.cc --------------------------------------------------------

class CelProgram:
    """A compiled CEL expression (internal: use divert.cel.compile)."""

    @property
    def result_type(self) -> str: ...
    def evaluate(
        self,
        bindings: Mapping[str, Any] | None,
        unknown: list[str],
        unset_fields_are_unknown: bool,
        message_factory: Callable[[str, bytes], Any],
    ) -> tuple[int, Any]:
        """(0, value), (1, [unknown attribute, ...]) or (2, error message)."""

def cel_compile(
    expr: str,
    declarations: Mapping[str, str] | None,
    container: str,
    checked: bool,
) -> tuple[CelProgram | None, str, list[tuple[str, int, int, str]]]:
    """(program, "", []) or (None, message, [(kind, line, column, message), ...])."""

# --- policy_bindings.cc -----------------------------------------------------

class CompiledPolicy:
    """A compiled site policy (internal: use divert.Policy)."""

    @property
    def site_id(self) -> str: ...
    @property
    def versions(self) -> list[str]: ...
    def site_policy(self) -> bytes: ...
    def evaluate(self, encounter: bytes, version: str) -> tuple[str, bytes | str]:
        """("", serialized Decision) or (status code name, message)."""
    def evaluate_many(self, encounters: list[bytes], version: str) -> list[tuple[str, bytes | str]]: ...
    def check_fidelity(self) -> bytes: ...
    def render(self, version: str, format: str) -> tuple[str, str]:
        """("", document) or (status code name, message)."""

def policy_compile(
    data: bytes, format: str
) -> tuple[CompiledPolicy | None, str, list[tuple[str, str, int, int, str]]]:
    """(policy, "", []) or (None, message, [(version, rule_id, line, column, message), ...])."""

# --- screen_bindings.cc -----------------------------------------------------

class Screener:
    """A policy joined with a column mapping (internal: use divert.Screener)."""

    def __init__(self, policy: CompiledPolicy, mapping: bytes) -> None: ...
    def screen(self, stream: Any) -> Any:
        """Screens an "arrow_array_stream" PyCapsule; returns one of the results."""
    def summary(self) -> bytes: ...
    def result_columns(self) -> list[str]: ...
    def fields_read(self) -> list[str]: ...

def parse_mapping(text: str) -> bytes:
    """A serialized ColumnMapping; ValueError naming line:column."""

# --- referral_bindings.cc ---------------------------------------------------

class Referrals:
    """A site's referral log (internal: use divert.Referrals)."""

    def __init__(self, settings: bytes, time_zone: str) -> None: ...
    def append(self, event: bytes) -> tuple[str, str, str]:
        """("", "", "") or (status code name, rule id, message)."""
    def append_batch(self, events: list[bytes]) -> tuple[str, str, str]: ...
    def commit(self, store: EventStore, events: list[bytes]) -> tuple[str, str, str]: ...
    def state(self, referral_id: str) -> bytes | None: ...
    def states(self, as_of: str) -> bytes: ...
    def due(self, as_of: str, within_days: int) -> bytes: ...
    def log(self) -> bytes: ...
    def disclose(
        self, referral_id: str, agency: str, role: str, purpose: int, as_of: str
    ) -> bytes | None: ...
    def disclose_decision(
        self, referral_id: str, decision: bytes, agency: str, role: str, purpose: int, as_of: str
    ) -> bytes | None: ...
    def agenda(self, previous: str, meeting: str, next_meeting: str) -> bytes: ...
    def roster(self, agency: str, role: str, purpose: int, as_of: str) -> bytes: ...
    @property
    def event_count(self) -> int: ...
    @property
    def referral_count(self) -> int: ...
    @property
    def places_taken(self) -> int: ...
    @property
    def capacity(self) -> int: ...

def referral_apply(
    settings: bytes, time_zone: str, state: bytes, event: bytes
) -> tuple[tuple[str, str, str], bytes | None]:
    """(("", "", ""), serialized ReferralState) or ((code, rule, message), None)."""

def render_agenda_markdown(agenda: bytes) -> str: ...
def render_roster_csv(roster: bytes) -> str: ...

class EventStore:
    """An SQLite event store (internal: use divert.EventStore)."""

    def __init__(self, path: str) -> None: ...
    def append(self, events: list[bytes]) -> None: ...
    def read(self) -> bytes: ...
    def count(self) -> int: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

# --- bindings without stubs yet ----------------------------------------------

def __getattr__(name: str) -> Any: ...

# Metrics (bindings/python/metrics_bindings.cc).
class MetricCatalog:
    """A compiled divert.v1.MetricCatalog."""

    @staticmethod
    def compile(catalog: bytes) -> MetricCatalog: ...
    def size(self) -> int: ...
    def compute(self, records: bytes, request: bytes) -> bytes: ...
    def compute_tables(self, records: bytes, tables: dict[str, object], request: bytes) -> bytes: ...

def metric_catalog_from_text(text: str) -> bytes: ...
def metrics_synthetic_site(seed: int, referrals: int) -> bytes: ...
def metrics_evaluate_rearrest(records: bytes, request: bytes) -> bytes: ...
