"""structlog JSON logs: one object per line on stdout with the contract's fields.

Every line has `timestamp`, `level`, `service`, `event`, `correlation_id`, `trace_id`;
uvicorn's and other libraries' stdlib log records go through the same renderer. Levels are
upper case (`"INFO"`, `"WARNING"`, `"ERROR"`), as docs/runbook.md's `jq` filters expect.
"""

import logging
import sys

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from todo_common.telemetry import current_trace_id


def _contract_fields(service: str) -> Processor:
    def add_fields(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service)
        event_dict.setdefault("correlation_id", None)
        event_dict.setdefault("trace_id", current_trace_id())
        return event_dict

    return add_fields


def _upper_case_level(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    level = event_dict.get("level")
    if isinstance(level, str):
        event_dict["level"] = level.upper()
    return event_dict


def configure_logging(service: str, level: str = "INFO") -> None:
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        _upper_case_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        _contract_fields(service),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
