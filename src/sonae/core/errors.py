"""Domain exceptions shared by every app.

Each carries a stable machine ``code`` (English, for the API) and a Japanese ``message`` for users. One handler in
``sonae.api`` maps them to the API error envelope ``{"code", "message"}``; views map them to form errors.
This module imports nothing from Django so pure rule modules may raise these too.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a business rule refused the operation."""

    code = "domain_error"
    status = 400
    default_message = "操作を完了できませんでした。"
    retry_after: int | None = None  # seconds until a retry may succeed (the API's Retry-After header)

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        retry_after: int | None = None,
    ):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        if retry_after is not None:
            self.retry_after = retry_after
        super().__init__(self.message)

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 400
    default_message = "入力内容に誤りがあります。"


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "指定されたデータが見つかりません。"


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = "この操作を行う権限がありません。"


class IllegalTransition(DomainError):
    code = "illegal_transition"
    status = 409
    default_message = "現在の状態からはこの操作を行えません。"


class DeadlinePassed(DomainError):
    code = "deadline_passed"
    status = 409
    default_message = "期限を過ぎているため、この操作は行えません。"


class NotEligible(DomainError):
    code = "not_eligible"
    status = 409
    default_message = "加入の要件を満たしていません。"


class ServiceUnavailable(DomainError):
    """The database cannot be reached (restarting, failed over, overloaded): try again shortly."""

    code = "service_unavailable"
    status = 503
    retry_after = 30  # seconds (the Retry-After header)
    default_message = "ただいま一時的にご利用いただけません（データベースに接続できません）。しばらくしてから再度お試しください。"
