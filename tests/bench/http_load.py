#!/usr/bin/env python3
"""A bounded load test of `stepwise serve --http` on loopback: CLIENTS
threads, each on one kept-alive connection, send REQUESTS requests in all
(or stop at SECONDS), for ping and for evaluate of a class of 30 pupils
with 48 records each; prints requests per second. Nothing is asserted
beyond every answer being "ok".

usage: http_load.py [STEPWISE] [--jobs N] [--clients N] [--requests N] [--seconds S]
"""
import argparse
import http.client
import json
import re
import signal
import subprocess
import threading
import time

SKILLS = ["listening", "speaking", "problem-solving", "creativity", "adapting", "planning",
          "leadership", "teamwork"]


def class_body(pupils=30):
    ev = []
    for p in range(pupils):
        for i in range(48):
            ev.append({"pupil": "P%04d" % p, "skill": SKILLS[i // 6], "step": 3 + (p + i) % 5,
                       "date": "2026-%02d-%02d" % (1 + i % 6, 1 + (p * 7 + i) % 28),
                       "outcome": "developing" if i % 4 == 3 else "secured",
                       "source": "teacher"})
    return json.dumps({"pupils": [{"id": "P%04d" % p, "year": 5} for p in range(pupils)],
                       "evidence": ev}).encode()


def run(port, op, body, clients, requests, seconds):
    done = [0] * clients
    stop_at = time.monotonic() + seconds
    per = requests // clients

    def client(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(per):
            if time.monotonic() > stop_at:
                break
            conn.request("POST", "/v2/" + op, body=body,
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            if r.status != 200 or b'"ok": true' not in data[:200]:
                raise SystemExit("http_load: %s failed: %d %s" % (op, r.status, data[:200]))
            done[k] += 1
        conn.close()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    return sum(done), elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stepwise", nargs="?", default="build/stepwise")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    proc = subprocess.Popen([a.stepwise, "serve", "--http", "127.0.0.1:0", "--jobs", str(a.jobs)],
                            stderr=subprocess.PIPE, text=True)
    try:
        m = re.search(r":(\d+)/v2/", proc.stderr.readline())
        if not m:
            raise SystemExit("http_load: the service did not start")
        port = int(m.group(1))
        for op, body, what in [("ping", b"{}", "ping"),
                               ("evaluate", class_body(), "evaluate, 30 pupils x 48 records")]:
            n, t = run(port, op, body, a.clients, a.requests, a.seconds)
            print("http %-36s %6d requests in %5.2f s: %8.0f requests/s (%d clients, %d workers)"
                  % (what, n, t, n / t, a.clients, a.jobs))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
