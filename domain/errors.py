"""The refusals of the domain. Each has a stable `code`; the service maps classes to HTTP statuses."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused; nothing was recorded."""

    code = "domain_error"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class NotFound(DomainError):
    """The named review, action, board, hold or report does not exist (or is not yours)."""

    code = "not_found"


class Duplicate(DomainError):
    """The thing already exists (a notification for the same case, a repeated reference)."""

    code = "duplicate"


class VersionConflict(DomainError):
    """The aggregate moved on since the version the caller expected."""

    code = "version_conflict"


class Forbidden(DomainError):
    """The actor's role or board may not do this."""

    code = "forbidden"


class InvalidTransition(DomainError):
    """The process does not allow this command at the review's current stage."""

    code = "invalid_transition"


class PreconditionMissing(InvalidTransition):
    """A step the process requires first has not been recorded; `code` names it."""

    def __init__(self, code: str, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail, field=field)
        self.code = code


class NotApplicableToRegime(InvalidTransition):
    """The command belongs to another regime (e.g. a rapid review in an SCR)."""

    code = "not_applicable_to_regime"


class LegalHoldActive(DomainError):
    """A hold that blocks publication is active and no override is recorded."""

    code = "legal_hold_active"


class AlreadyResolved(InvalidTransition):
    """The hold, report or reversal target was already lifted, resolved or reversed."""

    code = "already_resolved"


class InvalidValue(DomainError):
    """A field's value breaks a rule of the domain; `field` names it."""

    code = "validation_error"


class RationaleRequired(InvalidValue):
    """A decision was given without a rationale."""

    code = "rationale_required"


class DateOrder(InvalidValue):
    """Dates are in an impossible order (e.g. awareness before the incident)."""

    code = "date_order"


class DateInFuture(InvalidValue):
    """A date on which something happened lies after today."""

    code = "date_in_future"


class IndependenceNotDeclared(InvalidValue):
    """A reviewer was commissioned without an independence declaration."""

    code = "independence_not_declared"


class UnknownReference(InvalidValue):
    """A field refers to something this review does not hold."""

    code = "unknown_reference"


class ReversalMismatch(InvalidValue):
    """A cost reversal does not match an existing, unreversed ledger entry."""

    code = "reversal_mismatch"


class CorrectionInvalid(InvalidValue):
    """A correction names no correctable field, or a value of the wrong type."""

    code = "correction_invalid"


class RetentionPeriodNotEnded(InvalidTransition):
    """Disposal before the review's retention class's years after closure have passed."""

    code = "retention_period_not_ended"


class InquiryHoldActive(InvalidTransition):
    """Disposal while an inquiry's "do not destroy" hold covers the review's board."""

    code = "inquiry_hold_active"


class PersonalDataDisposed(InvalidTransition):
    """The review's personal data was disposed of: nothing that carries personal data can be recorded."""

    code = "personal_data_disposed"


class PersonalDataUnavailable(DomainError):
    """Personal data cannot be sealed now: the master key is not loaded (the detail says why)."""

    code = "personal_data_unavailable"
