"""Transactional outbox: events written with the change, published by a relay."""
