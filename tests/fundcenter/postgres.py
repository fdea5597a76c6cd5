"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, a free port, no service.

Skipped where PostgreSQL's binaries are missing. PostgreSQL refuses to run as root, so as root the
server runs as the ``postgres`` account the Debian package creates, in a folder that account owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stdout[-2000:]} {done.stderr[-2000:]}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh database; stop and delete the server afterwards."""
    binaries = _bin()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (Debian: postgresql)")
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="fundcenter-pg-"))
    try:
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres account to run PostgreSQL as")
            prefix = ["runuser", "-u", "postgres", "--"]
            os.chown(base, account.pw_uid, account.pw_gid)
        data = base / "data"
        port = _free_port()
        _run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", "fund", "--auth=trust", "-E", "UTF8"])
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run(
            [
                *prefix,
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "log"),
                "-w",
                "start",
            ]
        )
        try:
            _run(
                [
                    *prefix,
                    str(binaries / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "fund",
                    "fund",
                ]
            )
            yield f"postgresql://fund@127.0.0.1:{port}/fund"
        finally:
            _run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(base, ignore_errors=True)
