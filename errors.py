"""The requests the server refuses, one type each; api/errors.py turns them into JSON."""


class Refusal(Exception):
    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


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
