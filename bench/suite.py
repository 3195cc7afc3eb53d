"""The page benchmark suite. Run it through `bench/run`; see docs/performance.md.

For each database it loads data, starts Village Hall with production settings through
`villagehall serve`, starts a bare WSGI app (B0) on the same server with the same
settings, loads every page from a separate process (wrk) at saturation and at half of
saturation, runs the mixed read/write load, and prints a table with each figure beside
the baselines measured in the same run.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
POSTGRES = "postgres://postgres@127.0.0.1:5432/villagehall_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


class Server:
    """A `villagehall serve` (or granian on B0) process on a free loopback port."""

    def __init__(self, env, target=None, workers=2, threads=4):
        self.port = free_port()
        if target is None:
            command = [PYTHON, "-m", "villagehall", "serve", "--port", str(self.port),
                       "--workers", str(workers), "--threads", str(threads)]
        else:
            command = [str(Path(PYTHON).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                       "--port", str(self.port), "--workers", str(workers), "--blocking-threads", str(threads),
                       "--no-ws", target]
        self.log = open(ROOT / "bench" / "results" / f"server-{self.port}.log", "w")
        self.process = subprocess.Popen(command, cwd=ROOT if target is None else BENCH, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start; see {self.log.name}")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()
        return Path(self.log.name).read_text()


def wrk(url, *, seconds, connections, cookie="", pause_ms=0):
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_PROTO": "https", "BENCH_PAUSE_MS": str(pause_ms)}
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(BENCH / "report.lua"), url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    line = next(l for l in output.splitlines() if l.startswith("BENCH_JSON "))
    result = json.loads(line[len("BENCH_JSON "):])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def measure(name, url, *, seconds, cookie="", connections=16):
    """Measure requests per second at saturation, then latency at half of that rate."""
    warm = wrk(url, seconds=1, connections=4, cookie=cookie)
    if warm["status_errors"] and warm["requests"] == warm["status_errors"]:
        raise RuntimeError(f"{name}: every request failed ({url})")
    saturated = wrk(url, seconds=seconds, connections=connections, cookie=cookie)
    # Half of saturation: a few connections, each pausing so that together they send half the rate.
    half_connections = 4
    pause_ms = max(1, int(half_connections * 1000 / (saturated["rps"] / 2)))
    half = wrk(url, seconds=seconds, connections=half_connections, cookie=cookie, pause_ms=pause_ms)
    return {
        "name": name,
        "rps": round(saturated["rps"], 1),
        "errors": saturated["errors"] + half["errors"],
        "p50_ms": round(half["p50_us"] / 1000, 2),
        "p95_ms": round(half["p95_us"] / 1000, 2),
        "p99_ms": round(half["p99_us"] / 1000, 2),
        "half_rate_rps": round(half["rps"], 1),
    }


def page_weight(base, path, cookie):
    """Return the compressed bytes of a page and everything it loads (HTML, CSS, JavaScript)."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
    html = urllib.request.urlopen(request).read()
    total = len(gzip.compress(html, 9))
    for asset in re.findall(rb'(?:src|href)="(/static/[^"]+)"', html):
        asset_request = urllib.request.Request(base + asset.decode(), headers={"X-Forwarded-Proto": "https"})
        body = urllib.request.urlopen(asset_request).read()
        total += len(gzip.compress(body, 9))
    return total


def load_data(env, scale, city_posts):
    run([PYTHON, "-m", "villagehall", "migrate", "--no-input", "-v", "0"], env)
    command = [PYTHON, "-m", "villagehall", "demo"]
    if scale == "city":
        command += ["--scale", "city"] + (["--posts", str(city_posts)] if city_posts else [])
    run(command, env)


def fresh_postgres_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS villagehall_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE villagehall_bench")


def vacuum_postgres():
    """Do what autovacuum does within minutes of a load, where the server runs it (this one may not):
    without it PostgreSQL cannot answer from indexes alone, and plans on no statistics."""
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def bench_database(database, args, results_dir):
    data_dir = results_dir / f"data-{database}"
    env = {
        **os.environ,
        "VILLAGEHALL_ENV": "production",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VILLAGEHALL_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        env["DATABASE_URL"] = POSTGRES
        if not args.keep_data:
            fresh_postgres_database()
    elif not args.keep_data and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    if not args.keep_data:
        load_data(env, "city" if not args.quick else "demo", args.city_posts)
    else:
        # Data loaded by an earlier run, perhaps of older code: bring its tables up to date.
        run([PYTHON, "-m", "villagehall", "migrate", "--no-input", "-v", "0"], env)
    if database == "postgres":
        vacuum_postgres()
    plan = json.loads(run([PYTHON, str(BENCH / "prepare.py")], env, capture_output=True, text=True).stdout)
    plan_file = results_dir / f"plan-{database}.json"
    plan_file.write_text(json.dumps(plan))
    print(f"  {database}: data ready in {time.monotonic() - started:.0f} s", flush=True)

    seconds = 3 if args.quick else 10
    server = Server(env)
    b0 = Server({**env}, target="hello:application")
    base = f"http://127.0.0.1:{server.port}"
    measurements = []
    try:
        def add(name, url, cookie=""):
            result = measure(name, url, seconds=seconds, cookie=cookie)
            result["database"] = database
            measurements.append(result)
            print(f"  {database}: {name:<15} {result['rps']:>8.1f} req/s   p50 {result['p50_ms']:>7.2f} ms"
                  f"   p99 {result['p99_ms']:>7.2f} ms   errors {result['errors']}", flush=True)

        add("B0", f"http://127.0.0.1:{b0.port}/")
        add("B1", f"{base}/ping")
        add("B2", f"{base}/static/villagehall/hall.css")
        pages = plan["pages"]
        add("feed", base + pages["feed"], plan["reader_cookie"])
        add("feed_anonymous", base + pages["feed"])
        add("post_20", base + pages["post_20"], plan["reader_cookie"])
        add("post_1000", base + pages["post_1000"], plan["reader_cookie"])
        add("organisation", base + pages["organisation"], plan["reader_cookie"])
        add("project", base + pages["project"], plan["reader_cookie"])
        try:
            urllib.request.urlopen(urllib.request.Request(
                base + pages["dashboard"], headers={"Cookie": plan["admin_cookie"], "X-Forwarded-Proto": "https"}))
            add("dashboard", base + pages["dashboard"], plan["admin_cookie"])
        except urllib.error.HTTPError as error:
            print(f"  {database}: dashboard        not measured ({error.code} at {pages['dashboard']})")

        mixed_seconds = 15 if args.quick else 60
        output = run([PYTHON, str(BENCH / "mixed.py"), str(server.port), str(plan_file), str(mixed_seconds), "32"],
                     env, capture_output=True, text=True).stdout
        mixed = json.loads(next(l for l in output.splitlines() if l.startswith("BENCH_JSON "))[11:])
        mixed.update(name="mixed", database=database, rps=round(mixed["requests"] / mixed["seconds"], 1))
        weight = page_weight(base, pages["feed"], plan["reader_cookie"])
    finally:
        log = server.stop()
        b0.stop()
    mixed["database_locked"] = log.count("database is locked")
    measurements.append(mixed)
    print(f"  {database}: mixed           {mixed['rps']:>8.1f} req/s   write p99 {mixed['write_p99_ms']:.1f} ms"
          f"   errors {mixed['errors']}   'database is locked' {mixed['database_locked']}", flush=True)
    for sample in mixed["error_samples"]:
        print(f"      {sample}")
    b1 = next(m["rps"] for m in measurements if m["name"] == "B1")
    for m in measurements:
        m["ratio_to_B1"] = round(m["rps"] / b1, 3) if b1 else None
    return measurements, weight


def check_targets(all_results, weights):
    """Return (target, passed, detail) for each target of the suite."""
    checks = []
    by = {(m["database"], m["name"]): m for m in all_results}
    for database in sorted({m["database"] for m in all_results}):
        get = lambda name: by.get((database, name))  # noqa: E731
        b1 = get("B1")["rps"]
        checks.append((f"{database}: feed >= 40 % of B1", get("feed")["rps"] >= 0.4 * b1,
                       f"{get('feed')['rps'] / b1:.0%}"))
        checks.append((f"{database}: feed_anonymous >= 80 % of B1", get("feed_anonymous")["rps"] >= 0.8 * b1,
                       f"{get('feed_anonymous')['rps'] / b1:.0%}"))
        ratio = get("post_20")["rps"] / get("post_1000")["rps"]
        checks.append((f"{database}: post_1000 within 1.5x post_20", ratio <= 1.5, f"{ratio:.2f}x"))
        for m in all_results:
            if m["database"] == database and m["name"] not in ("mixed", "B0", "B2") and m["p50_ms"]:
                ok = m["p99_ms"] <= 5 * m["p50_ms"]
                checks.append((f"{database}: {m['name']} p99 <= 5x p50 at half load", ok,
                               f"{m['p99_ms'] / m['p50_ms']:.1f}x"))
        mixed = get("mixed")
        checks.append((f"{database}: mixed without errors or locks",
                       mixed["errors"] == 0 and mixed["database_locked"] == 0,
                       f"{mixed['errors']} errors, {mixed['database_locked']} locked"))
        checks.append((f"{database}: mixed write p99 < 500 ms", mixed["write_p99_ms"] < 500,
                       f"{mixed['write_p99_ms']:.0f} ms"))
        checks.append((f"{database}: feed page weight < 60 KB", weights[database] < 60_000,
                       f"{weights[database] / 1000:.1f} KB"))
    if {"sqlite", "postgres"} <= {m["database"] for m in all_results}:
        for name in ("feed", "feed_anonymous", "post_20", "post_1000", "organisation", "project", "dashboard"):
            if ("postgres", name) in by and ("sqlite", name) in by:
                ratio = by[("postgres", name)]["rps"] / by[("sqlite", name)]["rps"]
                checks.append((f"{name}: PostgreSQL >= 50 % of SQLite", ratio >= 0.5, f"{ratio:.0%}"))
    return checks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data (the demo borough), short runs")
    parser.add_argument("--json", metavar="FILE", help="write one JSON object per measurement to FILE")
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--city-posts", type=int, default=0, help="scale the city data set down to N posts")
    parser.add_argument("--keep-data", action="store_true", help="reuse the data loaded by an earlier run")
    args = parser.parse_args()

    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    all_results, weights = [], {}
    for database in args.databases.split(","):
        print(f"{database}:", flush=True)
        measurements, weights[database] = bench_database(database, args, results_dir)
        all_results += measurements

    print()
    print(f"{'database':<9} {'name':<15} {'req/s':>9} {'× B1':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for m in all_results:
        print(f"{m['database']:<9} {m['name']:<15} {m['rps']:>9.1f} {m['ratio_to_B1'] or 0:>6.2f} "
              f"{m['p50_ms'] or 0:>8.2f} {m['p95_ms'] or 0:>8.2f} {m['p99_ms'] or 0:>8.2f}")
    print()
    checks = check_targets(all_results, weights)
    for target, passed, detail in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {target}  ({detail})")
    if args.json:
        with open(args.json, "w") as out:
            for m in all_results:
                out.write(json.dumps({key: m.get(key) for key in
                                      ("name", "database", "rps", "p50_ms", "p95_ms", "p99_ms", "ratio_to_B1")}) + "\n")
    return 0 if all(passed for _, passed, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
