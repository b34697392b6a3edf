"""A throwaway PostgreSQL cluster for the tests and the benchmark: initdb and pg_ctl into a temporary folder.

The server runs as the `postgres` user (it refuses root) through `runuser`, listens on a unix socket in its
folder only, and keeps nothing: fsync off, the folder removed when it stops.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def _bin() -> Path:
    """Return LOUPAN_PG_BIN, else the newest /usr/lib/postgresql/N/bin (Debian's layout), else version 15's."""
    if os.environ.get("LOUPAN_PG_BIN"):
        return Path(os.environ["LOUPAN_PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0
    )
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


BIN = _bin()
USER = "postgres"


def missing() -> str:
    """Say why no cluster can be started here ('' when one can)."""
    if not (BIN / "initdb").is_file():
        return f"PostgreSQL is not installed ({BIN}/initdb missing; apt-get install postgresql)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: PostgreSQL will not start as root"
    try:
        import pwd

        pwd.getpwnam(USER)
    except KeyError:
        return f"no '{USER}' user to run the server as"
    return ""


class Cluster:
    """A started cluster; `url(name)` names a database in it, `create(name)` makes one."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="loupan-pg-"))
        self.data, self.socket = self.dir / "data", self.dir
        os.chmod(self.dir, 0o755)
        shutil.chown(self.dir, USER, USER)
        self._as_postgres(BIN / "initdb", "-D", self.data, "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C", "-N")
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        options += "-c full_page_writes=off -c max_connections=200"
        self._as_postgres(BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start")

    def _as_postgres(self, *cmd: object) -> None:
        argv = [str(c) for c in cmd]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", USER, "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def url(self, name: str = "postgres") -> str:
        """Return the URL of a database of the cluster."""
        return f"postgresql://{USER}@/{name}?host={self.socket}"

    def create(self, name: str) -> str:
        """Create an empty database; return its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            self._as_postgres(BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def truncate(url: str) -> None:
    """Empty every table of the ledger (the schema and its migrations stay)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")]
        kept = [t for t in tables if t != "schema_migrations"]
        if kept:
            conn.execute(f"TRUNCATE {', '.join(kept)} RESTART IDENTITY")
