"""The game day's ledger: what the clients were told, checked against what happened.

In the spirit of Jepsen's queue checker: every operation is recorded with its outcome as
the client saw it (`ok`: acknowledged; `info`: no definite answer, it may or may not have
taken effect), and at the end the final state is classified, per fault window:

- writes: an acknowledged write is `lost` when the database does not hold its value and
  no later indeterminate operation on the same task can explain the difference;
- events: every WebSocket client must receive every event of its user (the backend's
  per-user log) exactly once and in `seq` order, across reconnects and resumes;
- reminders: every reminder due during the run reaches its user (some open client) and
  the webhook once; late is allowed and reported with its lateness.

Everything here is a plain function of recorded facts, so it is unit-tested on its own.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["ok", "info", "fail"]


@dataclass(frozen=True)
class Window:
    """A span of the run named by the fault active in it (`baseline` when none)."""

    fault: str
    start: float
    end: float


def fault_at(windows: Sequence[Window], when: float) -> str:
    """The fault whose window holds `when`; the latest one when windows overlap."""
    name = "baseline"
    for window in windows:
        if window.start <= when < window.end:
            name = window.fault
    return name


@dataclass(frozen=True)
class TaskState:
    exists: bool
    title: str | None = None
    completed: bool = False


GONE = TaskState(exists=False)


@dataclass
class TaskHistory:
    """What clients were told about one task, in the order they were told it.

    `acked` is the state after the last acknowledged write; `maybe` the states that
    indeterminate writes issued after it could have left behind.
    """

    task_id: str
    user: str
    acked: TaskState | None = None
    acked_at: float = 0.0
    maybe: list[TaskState] = field(default_factory=list)

    def record(self, outcome: Outcome, state: TaskState, at: float) -> None:
        if outcome == "ok":
            self.acked, self.acked_at, self.maybe = state, at, []
        elif outcome == "info":
            self.maybe.append(state)

    def allows(self, actual: TaskState) -> bool:
        allowed = [*self.maybe, *([self.acked] if self.acked is not None else [GONE])]
        return any(_same(actual, state) for state in allowed)


def _same(actual: TaskState, expected: TaskState) -> bool:
    if not expected.exists or not actual.exists:
        return expected.exists == actual.exists
    return actual.title == expected.title and actual.completed == expected.completed


@dataclass
class FaultCounts:
    operations: int = 0
    acknowledged: int = 0
    indeterminate: int = 0
    refused: int = 0
    lost_writes: int = 0
    events_expected: int = 0
    events_lost: int = 0
    events_duplicated: int = 0
    events_out_of_order: int = 0
    reminders_due: int = 0
    reminders_lost: int = 0
    reminders_duplicated: int = 0
    webhook_lost: int = 0
    webhook_duplicated: int = 0
    late_reminders: int = 0
    lateness_seconds: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        lateness = sorted(self.lateness_seconds)
        return {
            "operations": self.operations,
            "acknowledged": self.acknowledged,
            "indeterminate": self.indeterminate,
            "refused": self.refused,
            "answers": dict(sorted(self.answers.items())),
            "writes": {"lost": self.lost_writes},
            "events": {
                "expected_deliveries": self.events_expected,
                "lost": self.events_lost,
                "duplicates": self.events_duplicated,
                "out_of_order": self.events_out_of_order,
            },
            "reminders": {
                "due": self.reminders_due,
                "lost": self.reminders_lost,
                "duplicates": self.reminders_duplicated,
                "webhook_lost": self.webhook_lost,
                "webhook_duplicates": self.webhook_duplicated,
                "late": self.late_reminders,
                "lateness_seconds": _summary(lateness),
            },
        }


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank (no interpolation: a reported value was measured)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def _summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "p50": round(percentile(values, 0.5), 3),
        "p99": round(percentile(values, 0.99), 3),
        "max": round(max(values), 3),
    }


class Ledger:
    def __init__(self, windows: list[Window]) -> None:
        self.windows = windows  # shared: the driver appends each fault's window as it ends
        self.counts: dict[str, FaultCounts] = {}
        self.findings: list[dict[str, Any]] = []
        # Counted at report time: a fault's window is known only once it is over.
        self._operations: list[tuple[float, Outcome, str]] = []

    def at(self, when: float) -> FaultCounts:
        return self.counts.setdefault(fault_at(self.windows, when), FaultCounts())

    def _finding(self, kind: str, when: float, **details: Any) -> None:
        if len(self.findings) < 200:  # examples, not an exhaustive dump
            self.findings.append({"kind": kind, "fault": fault_at(self.windows, when), **details})

    # -- operations and writes ---------------------------------------------------------

    def operation(self, *, at: float, outcome: Outcome, answer: str) -> None:
        self._operations.append((at, outcome, answer))

    def _count_operations(self) -> None:
        for at, outcome, answer in self._operations:
            counts = self.at(at)
            counts.operations += 1
            counts.answers[answer] += 1
            if outcome == "ok":
                counts.acknowledged += 1
            elif outcome == "info":
                counts.indeterminate += 1
            else:
                counts.refused += 1
        self._operations.clear()

    def check_writes(
        self, histories: Iterable[TaskHistory], actual: Mapping[str, TaskState]
    ) -> None:
        for history in histories:
            if history.acked is None:
                continue  # never acknowledged: nothing was promised
            found = actual.get(history.task_id, GONE)
            if not history.allows(found):
                self.at(history.acked_at).lost_writes += 1
                self._finding(
                    "lost_write",
                    history.acked_at,
                    task_id=history.task_id,
                    acknowledged=vars(history.acked),
                    found=vars(found),
                )

    # -- WebSocket events ------------------------------------------------------------

    def check_events(
        self,
        client: str,
        received: Sequence[int],
        log: Mapping[int, float],
        *,
        after_seq: int = 0,
    ) -> None:
        """`received`: the seqs one client got, in arrival order; `log`: the user's event
        log (seq -> commit time); `after_seq`: where the client's first resume started."""
        seen: set[int] = set()
        highest = after_seq
        for seq in received:
            when = log.get(seq, 0.0)
            if seq in seen:
                self.at(when).events_duplicated += 1
                self._finding("duplicate_event", when, client=client, seq=seq)
            elif seq < highest:
                self.at(when).events_out_of_order += 1
                self._finding("out_of_order_event", when, client=client, seq=seq, after=highest)
            seen.add(seq)
            highest = max(highest, seq)
        for seq, when in log.items():
            if seq <= after_seq:
                continue
            self.at(when).events_expected += 1
            if seq not in seen:
                self.at(when).events_lost += 1
                self._finding("lost_event", when, client=client, seq=seq)

    # -- reminders -------------------------------------------------------------------

    def check_reminder(
        self,
        task_id: str,
        due: float,
        *,
        per_client: Mapping[str, Sequence[float]],
        webhook: Sequence[float] | None,
        late_after: float,
    ) -> None:
        """`per_client`: receive times of this reminder on each client of its user;
        `webhook`: receive times at the webhook (None when that channel is off)."""
        counts = self.at(due)
        counts.reminders_due += 1
        times = [t for ts in per_client.values() for t in ts]
        duplicates = sum(len(ts) - 1 for ts in per_client.values() if len(ts) > 1)
        counts.reminders_duplicated += duplicates
        if duplicates:
            self._finding("duplicate_reminder", due, task_id=task_id, copies=duplicates)
        if not times:
            counts.reminders_lost += 1
            self._finding("lost_reminder", due, task_id=task_id)
        else:
            lateness = min(times) - due
            counts.lateness_seconds.append(max(0.0, lateness))
            if lateness > late_after:
                counts.late_reminders += 1
        if webhook is not None:
            if not webhook:
                counts.webhook_lost += 1
                self._finding("lost_webhook", due, task_id=task_id)
            elif len(webhook) > 1:
                counts.webhook_duplicated += len(webhook) - 1
                self._finding("duplicate_webhook", due, task_id=task_id, copies=len(webhook))

    # -- the report --------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        self._count_operations()
        order = ["baseline", *dict.fromkeys(w.fault for w in self.windows)]
        per_fault = {name: self.counts[name].as_json() for name in order if name in self.counts}
        total = FaultCounts()
        for counts in self.counts.values():
            for name, value in vars(counts).items():
                current = getattr(total, name)
                if isinstance(value, list | Counter):
                    current += value
                else:
                    setattr(total, name, current + value)
        return {"per_fault": per_fault, "total": total.as_json(), "findings": self.findings}
