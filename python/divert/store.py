"""An embedded, append-only event store for referral logs, on SQLite.

divert works on logs its embedder keeps. For those with no store of their
own (the command line, notebooks, small sites), :class:`EventStore` keeps a
log in one SQLite file: append-only, one transaction per appended batch,
write-ahead logging. A batch is wholly in the file or not at all, even if
the writing process dies mid-batch::

    store = divert.EventStore("referrals.db")
    referrals = divert.Referrals.load(store, settings)
    referrals.commit(new_events, store)   # checked, stored, applied: all or nothing

The store keeps events as given; :meth:`divert.Referrals.commit` checks them
against the life cycle's rules before they are stored.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any, Iterable, Mapping, Union

from google.protobuf import json_format

from divert import _core
from divert.errors import Error
from divert.v1 import referral_pb2

__all__ = ["EventStore", "EventStoreError"]


class EventStoreError(Error, OSError):
    """The store could not be opened, read or written (an I/O error, a file
    that is not a divert event store, a stored event that does not parse)."""


_EventLike = Union[referral_pb2.ReferralEvent, Mapping[str, Any]]


def _serialize(event: _EventLike) -> bytes:
    if isinstance(event, referral_pb2.ReferralEvent):
        return event.SerializeToString()
    message = referral_pb2.ReferralEvent()
    json_format.ParseDict(dict(event), message)
    return message.SerializeToString()


class EventStore:
    """A referral log in an SQLite file at ``path``, created when missing.

    Usable as a context manager (closes on exit). Several processes may
    open the same file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._core = _core.EventStore(self.path)

    def append(self, events: Iterable[_EventLike]) -> None:
        """Appends ``events`` in one transaction: all of them or none. The
        events are not checked: use :meth:`divert.Referrals.commit` for that."""
        self._core.append([_serialize(event) for event in events])

    def read(self) -> list[referral_pb2.ReferralEvent]:
        """Every stored event, in the order appended."""
        return list(referral_pb2.ReferralLog.FromString(self._core.read()).events)

    def __len__(self) -> int:
        return int(self._core.count())

    def close(self) -> None:
        """Closes the file; using the store afterwards raises ValueError."""
        self._core.close()

    @property
    def closed(self) -> bool:
        return bool(self._core.closed)

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<divert.EventStore {self.path!r}>"
