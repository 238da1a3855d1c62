"""A run's subgraphs as AG-UI subagents: which namespaces are open, with their short ids and paths.

Pure, like the translator it serves (`agent.events`). Each namespace LangGraph
gives a stream part (a subgraph run inside the task of a node, e.g.
`researcher:<task id>`) becomes a subagent with a short run id (`s1`, `s2`,
...), opened by SUBAGENT_STARTED on its first part (with any enclosing one not
open yet) and closed by SUBAGENT_FINISHED when the task that ran it finishes
(with any still open inside it).
"""

from dataclasses import dataclass

from ag_ui.core import BaseEvent, SubagentFinishedEvent, SubagentStartedEvent

Namespace = tuple[str, ...]


@dataclass(slots=True)
class _Subagent:
    run_id: str  # the short id on the wire
    path: list[str]  # node names from the root graph


class Subagents:
    """The subagents of one run."""

    def __init__(self) -> None:
        self._open: dict[Namespace, _Subagent] = {}
        self._by_task: dict[str, Namespace] = {}  # id of the task running it -> its namespace
        self._started = 0

    def enter(self, namespace: Namespace) -> tuple[list[BaseEvent], str]:
        """The run id of a part's (non-empty) namespace, with SUBAGENT_STARTED for what this opens."""
        events = self._start(namespace) if namespace not in self._open else []
        return events, self._open[namespace].run_id

    def path(self, namespace: Namespace, node: str | None) -> list[str]:
        """The node names from the root graph down to `node` inside `namespace`."""
        subagent = self._open.get(namespace)
        return [*(subagent.path if subagent else []), *([node] if node else [])]

    def finish_task(self, task_id: str) -> list[BaseEvent]:
        """SUBAGENT_FINISHED for the subagent the task ran, if it ran one."""
        namespace = self._by_task.pop(task_id, None)
        return self._finish(namespace) if namespace is not None else []

    def finish_all(self) -> list[BaseEvent]:
        """SUBAGENT_FINISHED for every open subagent, innermost first."""
        events: list[BaseEvent] = []
        for namespace in sorted(self._open, key=len, reverse=True):
            events += self._finish(namespace)
        return events

    def _start(self, namespace: Namespace) -> list[BaseEvent]:
        outer = namespace[:-1]
        events = self._start(outer) if outer and outer not in self._open else []
        node, _, task_id = namespace[-1].partition(":")
        parent = self._open.get(outer)
        self._started += 1
        subagent = _Subagent(run_id=f"s{self._started}", path=[*(parent.path if parent else []), node])
        self._open[namespace] = subagent
        self._by_task[task_id] = namespace
        events.append(
            SubagentStartedEvent(
                subagent_run_id=subagent.run_id,
                name=node,
                parent_subagent_run_id=parent.run_id if parent else None,
                metadata={"path": subagent.path},
            )
        )
        return events

    def _finish(self, namespace: Namespace) -> list[BaseEvent]:
        subagent = self._open.pop(namespace, None)
        if subagent is None:
            return []
        events: list[BaseEvent] = []
        for inner in [ns for ns in self._open if ns[: len(namespace)] == namespace]:
            events += self._finish(inner)
        events.append(SubagentFinishedEvent(subagent_run_id=subagent.run_id))
        return events
