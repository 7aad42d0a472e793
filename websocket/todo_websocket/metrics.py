"""The websocket service's Prometheus series, on the app's registry (see todo_common.metrics).

Counters kept by the connection registry (`ConnectionStats`) are read at scrape time, so
the hot fan-out path pays nothing for them.
"""

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from todo_websocket.connections import ClientConnection, ConnectionRegistry
from todo_websocket.sync import Resume


class _RegistryStats(Collector):
    def __init__(self, connections: ConnectionRegistry) -> None:
        self._connections = connections

    def collect(self) -> Iterator[Metric]:
        stats = self._connections.stats
        yield CounterMetricFamily(
            "websocket_messages_sent",
            "Messages written to client sockets",
            value=stats.messages_sent,
        )
        yield CounterMetricFamily(
            "websocket_messages_dropped",
            "Messages dropped because a client's send queue was full (it must resume)",
            value=self._connections.messages_dropped,
        )
        yield CounterMetricFamily(
            "websocket_slow_disconnects",
            "Clients disconnected for falling behind (1013, reconnect and resume)",
            value=stats.slow_disconnects,
        )
        yield CounterMetricFamily(
            "websocket_gaps",
            "Gaps detected in the live stream of a client (filled from the event log)",
            value=stats.gaps,
        )
        yield CounterMetricFamily(
            "websocket_refused_connections",
            "Connections refused because the replica was at WEBSOCKET_MAX_CONNECTIONS",
            value=stats.refused_full,
        )


class WebsocketMetrics:
    def __init__(self, registry: CollectorRegistry, connections: ConnectionRegistry) -> None:
        Gauge(
            "websocket_active_connections",
            "Open client connections on this replica",
            registry=registry,
        ).set_function(lambda: connections.active_connections)
        self.enqueued = Counter(
            "websocket_messages_total",
            "Messages enqueued to clients, by event type",
            ["type"],
            registry=registry,
        )
        self.resumes = Counter(
            "websocket_resumes_total",
            "Resume requests served (a client asked for what it missed)",
            registry=registry,
        )
        registry.register(_RegistryStats(connections))

    def counting_resumes(self, resume: Resume) -> Resume:
        async def counted(connection: ClientConnection, after_seq: int) -> None:
            self.resumes.inc()
            await resume(connection, after_seq)

        return counted
