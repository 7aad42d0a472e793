"""The task domain: models, schemas, queries, rules, routes and published events."""
