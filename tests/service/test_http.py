"""`stepwise serve --http`: started on a free loopback port (port 0, the
port read from its first line on standard error), driven with urllib:
every op and its errors, HTTP statuses, concurrent clients, the bearer
token, oversized and malformed bodies, and slow clients."""
import concurrent.futures
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import urllib.error
import urllib.request

import pytest

from protocol_check import OPS, ROOT, check_exchange, stepwise_bin

EXAMPLE = str(ROOT / "frameworks/example-school.json")
RUBRIC = ("return {name = 'last', params = {bonus = 0}, skill = function(e, ctx) "
          "if #e == 0 then return nil end return e[#e].step + ctx.params.bonus end}")


class Server:
    """A running `serve --http 127.0.0.1:0` and a client for it."""

    def __init__(self, *args, token=None, framework=EXAMPLE, binary=None):
        self.token = token
        fw = ["--framework", framework] if framework else []
        self.proc = subprocess.Popen(
            [binary or stepwise_bin(), "serve", "--http", "127.0.0.1:0", *fw, *args],
            stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/v2/", line)
        assert m, "the service did not start: " + line + self.proc.stderr.read()
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def post(self, op, body=b"{}", token=None, method="POST", path=None):
        """Returns (HTTP status, parsed JSON response)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.base + (path or "/v2/" + op), data=data,
                                     method=method)
        tok = token if token is not None else self.token
        if tok:
            req.add_header("Authorization", "Bearer " + tok)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rest = self.proc.stderr.read()
        assert self.proc.wait(timeout=60) == 0, rest
        assert "Sanitizer" not in rest, rest


@pytest.fixture
def server(tmp_path):
    (tmp_path / "mine.lua").write_text(RUBRIC)
    s = Server("--jobs", "3", "--rubric-dir", str(tmp_path))
    s.tmp = tmp_path
    yield s
    s.stop()


def call(server, op, body=None, **kw):
    """Posts and checks the exchange against the protocol's schema."""
    body = body if body is not None else {}
    status, resp = server.post(op, body, **kw)
    if isinstance(body, dict):
        check_exchange(dict(body, op=op), resp)
    return status, resp


def test_every_op(server):
    answered = set()
    for op, body in [
            ("ping", {"id": "a"}),
            ("framework", {}),
            ("rubrics", {}),
            ("evaluate", {"pupil": "P1", "evidence": [
                {"skill": "curiosity", "step": 2, "date": "2026-01-05"}]}),
            ("evaluate", {"pupils": ["P2", "P1"], "evidence": [
                {"pupil": "P1", "skill": "curiosity", "step": 3, "date": "2026-01-05"}]}),
            ("check_rubric", {"source": RUBRIC, "pupils": ["P1"], "evidence": [
                {"pupil": "P1", "skill": "curiosity", "step": 3, "date": "2026-01-05"}]}),
            ("summary", {"pupils": [{"id": "P1", "year": 2}], "evidence": [
                {"pupil": "P1", "skill": "curiosity", "step": 3, "date": "2026-01-05"}]}),
            ("load_rubric", {"path": "mine.lua"}),
            ("set_params", {"params": {"bonus": 1}}),
            ("load_framework", {"name": "example-school"})]:
        status, resp = call(server, op, body)
        assert status == 200 and resp["ok"], resp
        answered.add(op)
    assert answered == set(OPS)
    status, resp = call(server, "ping", {"id": "a"})
    assert resp["id"] == "a" and resp["protocol"] == 2
    assert resp["rubric"] == "last" and resp["params"] == {"bonus": 1}


def test_errors_and_statuses(server):
    assert call(server, "evaluate", {"pupil": 5})[0] == 400
    assert call(server, "load_rubric", {"path": "/etc/passwd"})[1]["error"].startswith(
        "rubric '/etc/passwd' is not a file inside")
    assert call(server, "set_params", {"params": {"nope": 1}})[0] == 400
    assert call(server, "load_framework", {"name": "none"})[0] == 400
    status, resp = call(server, "nothing")
    assert status == 404 and resp["error"].startswith("unknown op 'nothing'")
    assert server.post("ping", path="/v1/ping")[0] == 404
    assert server.post("ping", path="/v2/Ping")[0] == 404
    status, resp = server.post("ping", method="PUT")
    assert status == 405 and not resp["ok"]
    status, resp = server.post("ping", b'{"id": 1,')
    assert status == 400 and resp["error"].startswith("invalid JSON at column")
    status, resp = server.post("ping", b"[1]")
    assert status == 400 and "JSON object" in resp["error"]
    status, resp = server.post("ping", b'{"op": "rubrics"}')
    assert status == 400 and "more than once" in resp["error"]
    status, resp = server.post("ping", b"")
    assert status == 200 and resp["ok"]
    # the refused requests changed nothing
    assert call(server, "ping")[1]["rubric"] == "highest"


def test_oversized_bodies(server):
    big = b'{"pad": "' + b"x" * (1 << 20) + b'"}'
    status, resp = server.post("ping", big)
    assert status == 413 and "over the limit" in resp["error"]
    # without a length (chunked): read and refused at the end
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("POST", "/v2/ping", body=iter([big[:1000], big[1000:]]),
                 encode_chunked=True)
    r = conn.getresponse()
    assert r.status == 413 and "over the limit" in json.loads(r.read())["error"]
    conn.close()
    # curl asks first (Expect: 100-continue) and is refused before sending
    (pathlib.Path(server.tmp) / "big.json").write_bytes(big)
    r = subprocess.run(["curl", "-sS", "-H", "Expect: 100-continue", "--data-binary",
                        "@" + str(pathlib.Path(server.tmp) / "big.json"), "-w", " %{http_code}",
                        server.base + "/v2/ping"], capture_output=True, text=True, timeout=60)
    assert r.stdout.endswith(" 413") and "over the limit" in r.stdout, r.stdout + r.stderr
    # a body just within the limit is read
    ok = b'{"pad": "' + b"x" * ((1 << 20) - 30) + b'"}'
    assert len(ok) <= 1 << 20 and server.post("ping", ok)[0] == 200


# Concurrent evaluations, each in worker processes forked from the service's
# threads (the default), run on the release build: GCC 12's AddressSanitizer
# runtime does not lock its allocator around fork, so a worker forked while
# another thread allocates can wait forever in its first malloc (seen here:
# calloc in seccomp_rule_add, 7 to 12 requests of 8,000 stuck with 24
# clients and 8 workers). glibc's malloc is locked around fork (the same load
# on the release build: none of 16,000 stuck). The sanitizer build runs the
# same load evaluating in its own threads (--no-isolate).
@pytest.mark.parametrize("build", ["asan-threads", "release-isolated"])
def test_concurrent_clients(build, tmp_path):
    if build == "asan-threads":
        server = Server("--jobs", "3", "--no-isolate")
    else:
        release = os.environ.get("STEPWISE_RELEASE", str(ROOT / "build/stepwise"))
        assert os.path.exists(release), "build it first: make build/stepwise"
        server = Server("--jobs", "3", binary=release)
    try:
        concurrent_evaluations(server)
    finally:
        server.stop()


def concurrent_evaluations(server):
    def one(i):
        body = {"id": i, "pupils": ["P%d" % i, "Q%d" % i], "evidence": [
            {"pupil": "P%d" % i, "skill": "curiosity", "step": 1 + i % 6, "date": "2026-01-05"},
            {"pupil": "Q%d" % i, "skill": "kindness", "step": 1 + (i + 1) % 6,
             "date": "2026-01-05"}]}
        status, resp = server.post("evaluate", body)
        assert status == 200 and resp["id"] == i
        return [(r["pupil"], r["skills"]["curiosity"]["step"], r["skills"]["kindness"]["step"])
                for r in resp["results"]]
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        got = list(ex.map(one, range(80)))
    for i, rows in enumerate(got):
        assert rows == [("P%d" % i, 1 + i % 6, None), ("Q%d" % i, None, 1 + (i + 1) % 6)]


def test_changes_reach_every_worker(server):
    assert call(server, "load_rubric", {"source": RUBRIC, "name": "r.lua"})[0] == 200
    assert call(server, "set_params", {"params": {"bonus": 2}})[0] == 200
    with concurrent.futures.ThreadPoolExecutor(6) as ex:
        pings = list(ex.map(lambda _: server.post("ping")[1], range(60)))
    assert all(p["rubric"] == "last" and p["params"] == {"bonus": 2} for p in pings)


def test_slow_clients_do_not_stall_others(tmp_path):
    s = Server("--jobs", "1")
    try:
        stalled = []
        for partial in (b"POST /v2/ping HTTP/1.1\r\nHost: x\r\n",
                        b"POST /v2/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\""):
            sock = socket.create_connection(("127.0.0.1", s.port))
            sock.sendall(partial)
            stalled.append(sock)
        # the one worker still answers everyone else
        for i in range(5):
            assert s.post("ping", {"id": i})[1]["id"] == i
        for sock in stalled:
            sock.close()
    finally:
        s.stop()


def test_token(tmp_path):
    secret = "s3cret-token-for-tests-0123456789"
    (tmp_path / "token").write_text(secret + "\n")
    s = Server("--token-file", str(tmp_path / "token"), token=secret)
    try:
        assert s.post("ping")[0] == 200
        for wrong in ("", "s3cret", secret + "x", secret[:-1] + "X"):
            status, resp = s.post("ping", token=wrong)  # "": no header at all
            assert status == 401 and "Bearer" in resp["error"]
        req = urllib.request.Request(s.base + "/v2/ping", data=b"{}", method="POST")
        req.add_header("Authorization", "Basic " + secret)
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=60)
        assert e.value.code == 401
    finally:
        s.stop()


@pytest.mark.parametrize("args,message", [
    (["--http", "0.0.0.0:0"], "needs --token-file"),
    (["--http", "99999"], "takes [ADDR:]PORT"),
    (["--http", "nowhere:80"], "takes [ADDR:]PORT"),
    (["--http", "0", "--jobs", "0"], "--jobs takes a number"),
    (["--stdio", "--jobs", "2"], "go with --http"),
    (["--stdio", "--http", "0"], "give --stdio"),
    (["--http", "0", "--token-file", "/nonexistent"], "cannot read the token file"),
])
def test_refused_command_lines(args, message, tmp_path):
    r = subprocess.run([stepwise_bin(), "serve", *args], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1 and message in r.stderr, r.stderr


def test_short_token_refused(tmp_path):
    (tmp_path / "token").write_text("short\n")
    r = subprocess.run([stepwise_bin(), "serve", "--http", "0", "--token-file",
                        str(tmp_path / "token")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "16 to" in r.stderr


def test_http_examples(tmp_path):
    """examples/http/requests.sh (curl) against a service with a token: every
    example request is answered, each as its op's schema says."""
    secret = "example-token-0123456789abcdef"
    (tmp_path / "token").write_text(secret + "\n")
    s = Server("--token-file", str(tmp_path / "token"), token=secret, framework=None)
    try:
        r = subprocess.run([str(ROOT / "examples/http/requests.sh"), s.base],
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, STEPWISE_TOKEN=secret))
        assert r.returncode == 0, r.stderr
        answers = [json.loads(line) for line in r.stdout.splitlines()]
        ops = ["ping", "rubrics", "evaluate", "evaluate", "check_rubric", "load_rubric",
               "set_params", "load_framework", "ping"]
        files = ["ping", None, "evaluate-pupil", "evaluate-class", "check-rubric", "load-rubric",
                 "set-params", "load-framework", "ping"]
        assert len(answers) == len(ops)
        for op, f, answer in zip(ops, files, answers):
            body = json.loads((ROOT / "examples/http" / (f + ".json")).read_text()) if f else {}
            assert answer["ok"], answer
            check_exchange(dict(body, op=op), answer)
        assert [r["pupil"] for r in answers[3]["results"]] == ["P002", "P001", "P003"]
        assert answers[3]["rejected"][0]["index"] == 3, answers[3]["rejected"]
        assert answers[4]["errors"] == [] and answers[4]["results"][0]["skills"]["listening"][
            "step"] == 3
        assert answers[-1]["rubric"] == "secured-n" and answers[-1]["params"] == {
            "sources": "teacher", "times": 1}
        # without the token, curl gets the 401 answer
        r = subprocess.run([str(ROOT / "examples/http/requests.sh"), s.base],
                           capture_output=True, text=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k != "STEPWISE_TOKEN"})
        assert all(json.loads(line)["ok"] is False for line in r.stdout.splitlines())
    finally:
        s.stop()
