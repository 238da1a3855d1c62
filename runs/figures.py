"""What the runs list shows of a run, gathered as its events pass: time to first token, tokens, usage.

Cheap per event: one comparison of its type, and a counter for a token.
"""

import time
from dataclasses import dataclass, field

from ag_ui.core import BaseEvent, EventType, RunFinishedEvent


@dataclass(slots=True)
class RunFigures:
    started: float = field(default_factory=time.monotonic)
    first_token_ms: int | None = None  # from the run's start to its first streamed text token
    tokens: int = 0  # TEXT_MESSAGE_CONTENT events: the text tokens streamed to clients
    input_tokens: int | None = None  # the model's usage, when it reports one
    output_tokens: int | None = None

    def see(self, event: BaseEvent) -> None:
        if event.type is EventType.TEXT_MESSAGE_CONTENT:
            if self.first_token_ms is None:
                self.first_token_ms = round((time.monotonic() - self.started) * 1000)
            self.tokens += 1
        elif isinstance(event, RunFinishedEvent) and event.usage:
            self.input_tokens = sum(used.input_tokens or 0 for used in event.usage)
            self.output_tokens = sum(used.output_tokens or 0 for used in event.usage)
