"""A real uvicorn process serving the project against the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from django.db import connection

from .pgcluster import free_port

BASE_DIR = Path(__file__).resolve().parents[2]


def server_database_url() -> str:
    """DATABASE_URL for a server process that should see the test database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    return f"postgres://{user}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


class UvicornServer:
    def __init__(
        self,
        *,
        workers: int = 1,
        env: dict[str, str] | None = None,
        port: int | None = None,
        args: tuple[str, ...] = (),
        app: str = "project.asgi:application",
    ) -> None:
        self.app = app
        # A port of its own, or the port of a server this one replaces (a restart).
        self.port = port or free_port()
        self.args = args
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "project.settings.test",
            "DATABASE_URL": server_database_url(),
            # ADR-0007's P4 switch, as `pytest --async-driver` chose (tests/plugins).
            "DB_ASYNC_DRIVER": os.environ.get("PIEZO_SERVERS_ASYNC_DRIVER", "on"),
            **(env or {}),
        }
        self.log_path = BASE_DIR / "var" / f"uvicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--no-access-log",
            "--lifespan",
            "off",
            *self.args,
        ]

    def start(self, timeout_s: float = 30.0, *, healthy: bool = True) -> "UvicornServer":
        """Start and wait until /api/health answers 200 (or, with ``healthy=False``,
        answers at all: for tests of a server whose database is broken)."""
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command(),
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                status = httpx.get(f"{self.url}/api/health", timeout=1.0).status_code
                if status == 200 or not healthy:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"uvicorn did not become healthy:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if hasattr(self, "log"):
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text()

    def wait_for_output(self, text: str, timeout_s: float = 10.0) -> str:
        """The server's output once it contains ``text`` (something the server does after a
        response, such as logging a failed live publish); fails after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while text not in (output := self.output()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in the server's output:\n{output[-2000:]}")
            time.sleep(0.05)
        return output


class GunicornServer(UvicornServer):
    """ADR-0004's P0: the WSGI application under gunicorn's threads, with the environment
    the README's recipe gives (``env``)."""

    def __init__(self, *, workers: int = 2, threads: int = 4, **kwargs) -> None:
        super().__init__(workers=workers, app="project.wsgi:application", **kwargs)
        self.threads = threads
        self.log_path = BASE_DIR / "var" / f"gunicorn-{self.port}.log"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            *self.args,
        ]
