"""The mixed load: 90 % reads, 10 % writes (posting, commenting, reacting) from many clients at once.

Each client is a thread with its own keep-alive connection and its own signed-in session.
Prints one JSON line: requests, errors, and read and write latency percentiles.
"""

import http.client
import json
import random
import statistics
import sys
import threading
import time
from urllib.parse import urlencode


def percentile(values, fraction):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(fraction * len(values)))]


def client(port, plan, cookie, seconds, seed, results):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "X-CSRFToken": plan["csrf"],
               "Referer": f"https://127.0.0.1:{port}/"}
    council = plan["council"]
    reads, writes, errors = [], [], []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        write = rng.random() < 0.10
        if write:
            post = rng.choice(plan["write_posts"])
            choice = rng.random()
            if choice < 0.5:
                path, form = f"/{council}/posts/{post}/comments/", {"body": f"A busy day, comment {seed}-{n}."}
            elif choice < 0.85:
                path, form = f"/{council}/posts/{post}/reactions/", {"kind": rng.choice(["like", "thanks"])}
            else:
                path, form = f"/{council}/posts/new/", {
                    "kind": "update", "title": f"Load test post {seed}-{n}", "body": "Posted under load.",
                    "neighbourhood": plan["neighbourhood_id"],
                }
            body = urlencode(form)
            request_headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
            method = "POST"
        else:
            path = rng.choice([plan["pages"]["feed"], plan["pages"]["post_20"], plan["pages"]["organisation"]])
            body, request_headers, method = None, headers, "GET"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=request_headers)
            response = connection.getresponse()
            content = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status >= 400:
                errors.append(f"{method} {path}: {response.status} {content[:200]!r}")
        except (OSError, http.client.HTTPException) as error:
            elapsed = (time.perf_counter() - started) * 1000
            errors.append(f"{method} {path}: {error!r}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        (writes if write else reads).append(elapsed)
    results.append((reads, writes, errors))


def main():
    port, plan_file, seconds, clients = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    plan = json.load(open(plan_file))
    results = []
    threads = [
        threading.Thread(target=client, args=(port, plan, plan["writer_cookies"][i % len(plan["writer_cookies"])],
                                              seconds, i, results))
        for i in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - started
    reads = [x for r in results for x in r[0]]
    writes = [x for r in results for x in r[1]]
    errors = [x for r in results for x in r[2]]
    print("BENCH_JSON " + json.dumps({
        "requests": len(reads) + len(writes), "seconds": duration, "errors": len(errors),
        "error_samples": errors[:5], "reads": len(reads), "writes": len(writes),
        "p50_ms": percentile(reads + writes, 0.50), "p95_ms": percentile(reads + writes, 0.95),
        "p99_ms": percentile(reads + writes, 0.99),
        "write_p50_ms": percentile(writes, 0.50), "write_p99_ms": percentile(writes, 0.99),
        "read_p99_ms": percentile(reads, 0.99),
        "mean_ms": statistics.fmean(reads + writes) if reads or writes else None,
    }))


if __name__ == "__main__":
    main()
