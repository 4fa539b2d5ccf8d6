"""Per-request context (who, from where, on whose behalf) that services read when they write the audit log."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    on_behalf_of: str = ""
    on_behalf_of_label: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("huiketing_request", default=None)
_EMPTY = RequestContext()


def current() -> RequestContext:
    return _current.get() or _EMPTY


def activate(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
