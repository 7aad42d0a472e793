"""`make backup` / `make restore`: a round trip into a fresh database keeps every row of
every table, and the retention keeps the newest BACKUP_KEEP dumps."""

from __future__ import annotations

import gzip
import os
import subprocess
from pathlib import Path

import pytest

from devstack.stack import Stack
from tests.harness import api_client
from tests.observability.tools import REPO_ROOT

# One digest per table: every column of every row, in a stable order.
CONTENT_SQL = """
select string_agg(format('%s %s %s', t.table_name, t.rows, t.digest), E'\\n' order by t.table_name)
from (
  select c.relname as table_name,
         (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I', c.relname), false, true, '')))[1]::text as rows,
         (xpath('/row/d/text()', query_to_xml(format(
            'select md5(coalesce(string_agg(x::text, %L order by x::text), %L)) as d from %I x',
            '|', '', c.relname), false, true, '')))[1]::text as digest
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind = 'r'
) t
"""  # noqa: E501


def _psql_url(url: str) -> str:
    return url.replace("+asyncpg", "")


def content(url: str) -> str:
    return subprocess.run(
        ["psql", _psql_url(url), "-Atc", CONTENT_SQL],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def make(target: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-s", target, *args],
        cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


@pytest.mark.e2e
def test_backup_restores_into_a_fresh_database_with_the_same_content(
    system: Stack, tmp_path: Path
) -> None:
    with api_client(system, "backup-user") as api:
        for title in ("pay rent", "buy milk ü ✓", "call 'mum'"):
            response = api.post("/api/tasks", json={"title": title, "tags": ["backup"]})
            assert response.status_code == 201, response.text
        completed = api.get("/api/tasks", params={"q": "milk"}).json()["items"][0]["id"]
        assert api.post(f"/api/tasks/{completed}/complete").status_code == 200
    source = system.config.database_url
    env = {"DATABASE_URL": source, "BACKUP_DIR": str(tmp_path)}
    backup = make("backup", env)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.parent == tmp_path and dump.name.endswith(".dump.gz")
    with gzip.open(dump) as unzipped:
        assert unzipped.read(5) == b"PGDMP"  # pg_dump's custom format, inside gzip

    before = content(source)
    assert "task 0 " not in before and "outbox_event" in before
    fresh = source.rsplit("/", 1)[0] + "/todo_roundtrip"
    restore = make("restore", {"DATABASE_URL": fresh}, f"BACKUP={dump}")
    assert restore.returncode == 0, restore.stderr
    assert "created database todo_roundtrip" in restore.stderr
    assert content(fresh) == before
    # Restoring again over the restored copy replaces it (pg_restore --clean): still equal.
    again = make("restore", {"DATABASE_URL": fresh}, f"BACKUP={dump}")
    assert again.returncode == 0, again.stderr
    assert content(fresh) == before


@pytest.mark.e2e
def test_backup_keeps_the_newest_dumps_only(system: Stack, tmp_path: Path) -> None:
    env = {"DATABASE_URL": system.config.database_url, "BACKUP_DIR": str(tmp_path),
           "BACKUP_KEEP": "2"}  # fmt: skip
    written = []
    for _ in range(3):
        result = make("backup", env)
        assert result.returncode == 0, result.stderr
        written.append(Path(result.stdout.strip().splitlines()[-1]))
    assert sorted(tmp_path.glob("todo-*.dump.gz")) == sorted(written[1:])


def test_backup_refuses_a_non_postgresql_url(tmp_path: Path) -> None:
    result = make(
        "backup", {"DATABASE_URL": "sqlite+aiosqlite:///x.db", "BACKUP_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "must be a PostgreSQL URL" in result.stderr
    assert not list(tmp_path.iterdir())
