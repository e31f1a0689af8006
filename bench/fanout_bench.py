"""The live fan-out's cost to a writer (issue 22): a batch POST's latency, and how long until
every websocket subscriber has every reading, before and after the fan-out left the
writer's request.

One throwaway PostgreSQL cluster and Redis; uvicorn (2 workers, Redis channel layer, the
async driver on) serves first the code at ``--before`` (a git ref, checked out into a
worktree) and then this checkout, against the same database, one after the other. Each
posts ``--batches`` batches of ``--batch-size`` readings to one well while ``--subscribers``
websocket clients listen to it. Reported: the POST's median latency, the median time until
the last subscriber has its last reading of the batch, and the smallest fraction of a batch
a subscriber received (until it went quiet for 10 s), per target, and after/before ratios.

Usage: python bench/fanout_bench.py --before 5772ff0 [--batches 5 --batch-size 10000]
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import websockets

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.support.pgcluster import PostgresCluster, free_port  # noqa: E402
from tests.support.redis import RedisServer  # noqa: E402

SITE_NO = "FANOUT01"


def worktree_add(ref: str) -> Path:
    """The code at git ``ref``, checked out into a temporary worktree (the benches'
    "before" side); worktree_remove takes it away."""
    worktree = Path(tempfile.mkdtemp(prefix="piezo-before-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(worktree), ref],
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
    )
    return worktree


def worktree_remove(worktree: Path) -> None:
    subprocess.run(
        ["git", "worktree", "remove", "--force", str(worktree)], cwd=BASE_DIR, check=False
    )


def serve(checkout: Path, env: dict[str, str], workers: int = 2) -> tuple[subprocess.Popen, str]:
    """uvicorn serving ``checkout`` with ``env``, once /api/health answers; (process, url)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "project.asgi:application",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--lifespan",
            "off",
        ],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"uvicorn from {checkout} did not become healthy")


QUIET_S = 10.0  # a subscriber that hears nothing for this long has heard all it will


async def subscriber(url: str, expected: int, ready: asyncio.Event, heard: list) -> None:
    """Count this batch's readings until all arrived or the feed went quiet; appends
    (count, time of the last one)."""
    async with websockets.connect(
        url.replace("http://", "ws://") + f"/ws/wells/{SITE_NO}/", origin=url, max_queue=None
    ) as client:
        assert json.loads(await client.recv())["type"] == "subscribed"
        ready.set()
        count, last = 0, None
        while count < expected:
            try:
                frame = json.loads(await asyncio.wait_for(client.recv(), QUIET_S))
            except TimeoutError:
                break
            if frame["type"] == "observation":
                count, last = count + 1, time.perf_counter()
        heard.append((count, last))


async def measure(url: str, token: str, args, first_day: datetime) -> dict:
    posts, deliveries, fractions = [], [], []
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        for batch in range(args.batches):
            start = first_day + timedelta(days=365 * batch)
            body = [
                {
                    "observed_at": (start + timedelta(minutes=15 * i)).isoformat(),
                    "depth_to_water_ft": 40.0 + (i % 96) / 100,
                }
                for i in range(args.batch_size)
            ]
            readies = [asyncio.Event() for _ in range(args.subscribers)]
            heard: list[tuple[int, float | None]] = []
            listeners = [
                asyncio.create_task(subscriber(url, args.batch_size, ready, heard))
                for ready in readies
            ]
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
            sent = time.perf_counter()
            response = await http.post(
                f"/api/wells/{SITE_NO}/observations",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            posted = time.perf_counter()
            assert response.status_code == 201, response.text[:500]
            await asyncio.gather(*listeners)
            posts.append(posted - sent)
            lasts = [last for _, last in heard if last is not None]
            deliveries.append(max(lasts) - sent if lasts else float("nan"))
            fractions.append(sum(count for count, _ in heard) / (args.batch_size * len(heard)))
    return {
        "post_p50_s": round(statistics.median(posts), 3),
        "delivered_p50_s": round(statistics.median(deliveries), 3),
        "delivered_fraction": round(min(fractions), 4),
        "posts_s": [round(p, 3) for p in posts],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, help="git ref of the code before issue 22")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=5)
    args = parser.parse_args()
    worktree = worktree_add(args.before)
    cluster = PostgresCluster().start()
    redis = RedisServer().start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.bench",
        "DATABASE_URL": cluster.url,
        "REDIS_URL": redis.url,
        "DB_ASYNC_DRIVER": "on",
    }
    os.environ.update(env)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True
        )
        import django

        django.setup()
        from django.contrib.auth import get_user_model

        from apps.api.services import api_token_create
        from apps.monitoring.services import well_create

        well_create(
            site_no=SITE_NO, name="Fan-out bench", location={"latitude": 35.0, "longitude": -106.0}
        )
        user = get_user_model().objects.create_superuser("fanout", "f@example.org", "pw-fanout-1")
        token = api_token_create(user=user)[1]
        results = {}
        for number, (name, checkout) in enumerate((("before", worktree), ("after", BASE_DIR))):
            process, url = serve(checkout, env)
            try:
                first_day = datetime(1950 + 30 * number, 1, 1, tzinfo=UTC)
                results[name] = asyncio.run(measure(url, token, args, first_day))
            finally:
                process.terminate()
                process.wait(30)
        results["post_ratio_after_over_before"] = round(
            results["after"]["post_p50_s"] / results["before"]["post_p50_s"], 3
        )
        results["delivery_ratio_after_over_before"] = round(
            results["after"]["delivered_p50_s"] / results["before"]["delivered_p50_s"], 3
        )
        results["config"] = {**vars(args), "workers": 2, "layer": "redis", "database": "postgres"}
        out = BASE_DIR / "bench" / "results" / "fanout.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results, indent=2))
    finally:
        redis.stop()
        cluster.stop()
        worktree_remove(worktree)


if __name__ == "__main__":
    main()
