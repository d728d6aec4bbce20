"""Real app nodes for tests: gunicorn processes on loopback ports sharing one database."""

import os
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from tests.live_server import wait_until_ready

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url() -> str | None:
    """The Redis at 127.0.0.1:6379 when it answers, else None."""
    try:
        import redis
    except ImportError:
        return None
    try:
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError:
        return None
    return "redis://127.0.0.1:6379/0"


def node_environment(database_url: str, instance: Path, shared: Path, *,
                     redis: str | None, prefix: str, **extra: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")}
    environment.update({
        "ATLAS_DATABASE_URL": database_url,
        "ATLAS_INSTANCE_DIR": str(instance),
        "ATLAS_SHARED_DIR": str(shared),
        "ATLAS_ENVIRONMENT": "production",
        "ATLAS_SECRET_KEY": "two-nodes-test-secret-" + "x" * 32,
        "ATLAS_BASE_URL": "http://127.0.0.1",
        "ATLAS_REDIS_URL": redis or "",
        "ATLAS_REDIS_KEY_PREFIX": prefix,
        "ATLAS_LOG_LEVEL": "WARNING",
    })
    environment.update(extra)
    return environment


@contextmanager
def gunicorn_node(environment: dict, log: Path):
    """One app node: ``gunicorn -w 1 wsgi:app`` on a free loopback port; yields its URL."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "1", "--threads", "4", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "wsgi:app"],
            env=environment, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_ready(url)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log.read_text(errors='replace')[-3000:]}") from error
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


def unique_prefix() -> str:
    return f"atlas-test-{uuid.uuid4().hex[:10]}:"
