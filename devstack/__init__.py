"""Development stack: start and stop the whole system (Redis, PostgreSQL, Dapr, apps)."""
