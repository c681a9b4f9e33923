"""A throw-away PostgreSQL server for the benchmarks, started the way `.ci/run` starts one.

Needs Debian's postgresql package (initdb and pg_ctl under /usr/lib/postgresql/*/bin). As root
the server runs as the ``postgres`` user, as PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile


def available() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


class Server:
    """``start()`` gives a database URL; ``restart()`` is a database fault; ``stop()`` cleans up."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.data = tempfile.mkdtemp(prefix="tinget-bench-pg-")
        self.url = f"postgresql://postgres@127.0.0.1:{port}/tinget_bench"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + list(command), check=True, stdout=subprocess.DEVNULL)

    def _pg_ctl(self, action: str) -> None:
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        self._run(
            f"{self.bin}/pg_ctl", "-D", self.data, "-l", f"{self.data}/server.log", "-w",
            "-m", "fast", "-o", options, action,
        )  # fmt: skip

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        self._run(f"{self.bin}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        self._pg_ctl("start")
        self._run(f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", "tinget_bench")  # fmt: skip
        return self.url

    def restart(self) -> None:
        """Stop the server with every connection on it, and start it again."""
        self._pg_ctl("restart")

    def stop(self) -> None:
        try:
            self._pg_ctl("stop")
        finally:
            shutil.rmtree(self.data, ignore_errors=True)
