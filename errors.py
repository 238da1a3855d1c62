"""The requests the server refuses, one type each; api/errors.py turns them into JSON."""


class Refusal(Exception):
    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers: dict[str, str] = {}


class InvalidRequest(Refusal):
    status_code = 422
    code = "invalid_request"


class NotFound(Refusal):
    status_code = 404
    code = "not_found"


class ThreadBusy(Refusal):
    status_code = 409
    code = "thread_busy"

    def __init__(self, thread_id: str, run_id: str | None) -> None:
        super().__init__(f"thread {thread_id} already has an active run", run_id=run_id)


class RunExists(Refusal):
    status_code = 409
    code = "run_exists"


class Unauthorized(Refusal):
    status_code = 401
    code = "unauthorized"


class ShuttingDown(Refusal):
    status_code = 503
    code = "shutting_down"


class CancelNotDelivered(Refusal):
    status_code = 503
    code = "cancel_not_delivered"


class HostNotAllowed(Refusal):
    status_code = 400
    code = "host_not_allowed"


class CrossSiteRequest(Refusal):
    status_code = 403
    code = "cross_site_request"


class BodyTooLarge(Refusal):
    status_code = 413
    code = "body_too_large"


class TooManyAttempts(Refusal):
    status_code = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many wrong API keys from this address; try again in {retry_after} s",
            retry_after=retry_after,
        )
        self.headers = {"Retry-After": str(retry_after)}


class InterruptPending(Refusal):
    status_code = 409
    code = "interrupt_pending"

    def __init__(self, thread_id: str, interrupt_ids: list[str]) -> None:
        super().__init__(
            f"thread {thread_id} waits for an answer to interrupt(s) {', '.join(interrupt_ids)}: "
            "resume them (or cancel the thread's run) before sending a new message",
            interrupts=interrupt_ids,
        )


class InterruptNotPending(Refusal):
    status_code = 409
    code = "interrupt_not_pending"

    def __init__(self, thread_id: str, interrupt_ids: list[str]) -> None:
        super().__init__(
            f"thread {thread_id} has no open interrupt {', '.join(interrupt_ids)} "
            "(unknown, or already answered)",
            interrupts=interrupt_ids,
        )


class ResumeIncomplete(Refusal):
    status_code = 422
    code = "resume_incomplete"

    def __init__(self, thread_id: str, missing: list[str]) -> None:
        super().__init__(
            f"the resume must answer every open interrupt of thread {thread_id}; "
            f"missing: {', '.join(missing)}",
            missing=missing,
        )


class ThreadExists(Refusal):
    status_code = 409
    code = "thread_exists"
