#!/usr/bin/env python3
"""run.py - the driver of `make bench`.

For each size (10k, 100k, 1M evidence rows) and input format (jsonl, csv):

 1. makes the data with gen.py when it is missing or older than gen.py;
 2. checks that `stepwise evaluate --format csv` and reference.py (the
    Python peer) give the same pupil,skill,step columns for the rubrics
    highest and secured-n (times=2), and that stepwise gives byte-identical
    output whatever --jobs is, and the same output when the built-in
    highest (computed in C) is given as its Lua source file (isolated,
    the default for Lua); any
    difference stops the benchmark;
 3. times the floor program (floor_jsonl or floor_csv: only reading the
    input), stepwise (--jobs 1 and --jobs 2 when `stepwise evaluate --help`
    lists --jobs, else its default), three Lua rubrics with each --jobs
    (the Lua source of highest, which uses the helpers; loop.lua, the same
    rule as a plain loop; nil.lua, which returns nil at once: the fixed
    cost per pupil and skill), in the process (--no-isolate), the Lua
    source of highest with the most threads in worker processes (--isolate,
    the default for a Lua rubric) as a row of its own, and the peer, each
    run in a fresh child process started by the small C program measure:
    wall time and peak resident memory (getrusage of that child, via
    wait4), median of 9 runs up to 100k (the growth to 1M divides by a 100k
    time of about 20 ms, which one noisy run in five could move) and of 3
    for 1M. The programs take turns within each round, so a slow spell of
    the machine falls on all of them; in each turn a program runs once
    untimed and then once timed, so that no timed run starts in the wake
    of another program (a short run just after the Python peer was
    measured 2 ms slower at 100k).

Then it prints one table, the start-up time of stepwise (framework load,
rubric compile, empty evidence: median of 20 runs) and the C API
benchmark (embed_bench, for highest and secured-n in C and as Lua files,
loop.lua and nil.lua).
It asserts nothing about times.

Environment:
  BENCH_SIZES  sizes to run, e.g. "10k 100k" (default "10k 100k 1M")
  BENCH_RUNS   runs per measurement (default 9 up to 100k, else 3)
  BENCH_DIR    data, programs and outputs (default build/bench)
  STEPWISE     the stepwise binary (default build/stepwise)
"""
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import gen  # noqa: E402  (parse_size, size_name)

BENCH_DIR = os.environ.get("BENCH_DIR", "build/bench")
STEPWISE = os.environ.get("STEPWISE", "build/stepwise")
SIZES = os.environ.get("BENCH_SIZES", "10k 100k 1M").split()
REFERENCE = os.path.join(HERE, "reference.py")
# the Lua source of the built-in rubric, run as a file (not in C)
LUA_HIGHEST = os.path.join(HERE, "..", "..", "scripts", "rubrics", "highest.lua")
# the same rule as a plain-Lua loop with no helpers, and a rubric that returns
# nil at once (the fixed cost of a Lua rubric per pupil and skill)
LUA_LOOP = os.path.join(HERE, "loop.lua")
LUA_NIL = os.path.join(HERE, "nil.lua")
FLOOR = {"jsonl": os.path.join(BENCH_DIR, "floor_jsonl"),
         "csv": os.path.join(BENCH_DIR, "floor_csv")}
EMBED = os.path.join(BENCH_DIR, "embed_bench")
EDIT = os.path.join(BENCH_DIR, "edit_bench")
MEASURE = os.path.join(BENCH_DIR, "measure")
EVIDENCE_HEADER = "pupil,skill,step,date,outcome,source,assessor,context,note\n"


def die(msg):
    print("\nbench: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def run(argv, out_path, err_path=os.devnull):
    """Runs argv in a fresh child (through measure), stdout to out_path,
    stderr to err_path. Returns (seconds, peak RSS in bytes, exit status)."""
    result = os.path.join(BENCH_DIR, "out", "measure.txt")
    fd_out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    fd_err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    fd_in = os.open(os.devnull, os.O_RDONLY)
    try:
        pid = os.posix_spawn(MEASURE, [MEASURE, result] + argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, fd_in, 0),
                                           (os.POSIX_SPAWN_DUP2, fd_out, 1),
                                           (os.POSIX_SPAWN_DUP2, fd_err, 2)])
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd_out)
        os.close(fd_err)
        os.close(fd_in)
    if os.waitstatus_to_exitcode(status) != 0:
        die("%s could not run %s" % (MEASURE, " ".join(argv)))
    with open(result) as f:
        wall, rss_kib, code = f.read().split()
    return float(wall), int(rss_kib) * 1024, int(code)


def run_checked(argv, out_path, what):
    err_path = out_path + ".err"
    secs, rss, code = run(argv, out_path, err_path)
    if code != 0:
        with open(err_path, encoding="utf-8", errors="replace") as f:
            err = f.read()
        die("%s exited with %d:\n  %s\n%s" % (what, code, " ".join(argv), err[-3000:]))
    return secs, rss


def machine():
    cpu = "?"
    mem = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
                    break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    print("machine: %s cores (nproc), %s, %s memory, %s %s" % (
        cores, cpu, mem, platform.system(), platform.release()))
    print("load average: %.2f %.2f %.2f" % os.getloadavg())
    version = subprocess.run([STEPWISE, "--version"], capture_output=True, text=True).stdout
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                            text=True, cwd=HERE).stdout.strip()
    cc = subprocess.run([os.environ.get("CC", "cc"), "--version"], capture_output=True,
                        text=True).stdout.splitlines()
    print("stepwise: %s (%s), git %s; python %s; %s" % (
        STEPWISE, version.strip() or "?", commit or "?", platform.python_version(),
        cc[0] if cc else "cc ?"))


def make_data(size):
    rows = gen.parse_size(size)
    d = os.path.join(BENCH_DIR, gen.size_name(rows))
    files = [os.path.join(d, n) for n in ("pupils.csv", "evidence.csv", "evidence.jsonl")]
    newest_source = os.path.getmtime(os.path.join(HERE, "gen.py"))
    if not all(os.path.exists(f) and os.path.getmtime(f) >= newest_source for f in files):
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--out", BENCH_DIR,
                        size], check=True)
    return rows, d


def read_steps(path):
    """The pupil,skill,step columns of a CSV file, header included."""
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        return [tuple(r[:3]) for r in csv.reader(f)]


def compare(sw_path, ref_path, what):
    a, b = read_steps(sw_path), read_steps(ref_path)
    if a == b:
        return len(a) - 1
    lines = ["%s: stepwise and reference.py differ (%d and %d rows)" % (what, len(a), len(b)),
             "  stepwise:  " + sw_path, "  reference: " + ref_path]
    shown = 0
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            lines.append("  line %d: stepwise %s, reference %s" % (i + 1, x, y))
            shown += 1
            if shown == 10:
                break
    die("\n".join(lines))


def first_highest(out_dir, tag, variants):
    """The output of the first variant for the built-in highest."""
    return os.path.join(out_dir, "%s-highest-%s.csv" % (
        tag, variants[0][0].replace(" ", "").replace("--", "-")))


def fmt_ratio(x):
    return "%.2f" % x if x is not None else "-"


def main():
    for prog in [STEPWISE, FLOOR["jsonl"], FLOOR["csv"], EMBED, EDIT, MEASURE]:
        if not os.access(prog, os.X_OK):
            die("%s is missing: build it with `make bench`" % prog)
    out_dir = os.path.join(BENCH_DIR, "out")
    os.makedirs(out_dir, exist_ok=True)
    machine()

    help_text = subprocess.run([STEPWISE, "evaluate", "--help"], capture_output=True,
                               text=True)
    has_jobs = "--jobs" in help_text.stdout + help_text.stderr
    has_isolate = "--no-isolate" in help_text.stdout + help_text.stderr
    if has_jobs:
        variants = [("stepwise --jobs 1", ["--jobs", "1"]), ("stepwise --jobs 2", ["--jobs", "2"])]
    else:
        variants = [("stepwise", [])]
        print("note: `stepwise evaluate --help` lists no --jobs; timing its default only")

    results = []  # (size, fmt, program, median s, peak bytes, rows, min s, max s)
    for size in SIZES:
        rows, d = make_data(size)
        name = gen.size_name(rows)
        pupils = os.path.join(d, "pupils.csv")
        sizes_mb = ", ".join("%s %.1f MB" % (f, os.path.getsize(os.path.join(d, f)) / 1e6)
                             for f in ("evidence.jsonl", "evidence.csv"))
        print("data %s: %s" % (name, sizes_mb), flush=True)
        for fmt in ("jsonl", "csv"):
            evidence = os.path.join(d, "evidence." + fmt)
            tag = "%s-%s" % (name, fmt)
            base = [STEPWISE, "evaluate", "--pupils", pupils, "--evidence", evidence,
                    "--format", "csv"]

            # 1. the same answers, before any time is reported
            for rubric, sw_extra, ref_extra in (("highest", [], []),
                                                ("secured-n", ["--param", "times=2"],
                                                 ["--times", "2"])):
                ref_out = os.path.join(out_dir, "%s-%s-reference.csv" % (tag, rubric))
                run_checked([sys.executable, REFERENCE, "--pupils", pupils, "--evidence",
                             evidence, "--rubric", rubric] + ref_extra, ref_out,
                            "reference.py")
                first = None
                for label, extra in variants:
                    sw_out = os.path.join(out_dir, "%s-%s-%s.csv" % (
                        tag, rubric, label.replace(" ", "").replace("--", "-")))
                    run_checked(base + ["--rubric", rubric] + sw_extra + extra, sw_out, label)
                    n = compare(sw_out, ref_out, "%s %s %s" % (tag, rubric, label))
                    if first is None:
                        first = sw_out
                    else:
                        with open(first, "rb") as f1, open(sw_out, "rb") as f2:
                            if f1.read() != f2.read():
                                die("%s %s: the output of %s differs from that of %s "
                                    "(%s, %s)" % (tag, rubric, label, variants[0][0],
                                                  first, sw_out))
            # the built-in rubric runs in C; its Lua source and the plain loop, given
            # as files, must agree with it, with every --jobs
            for lua in (LUA_HIGHEST, LUA_LOOP):
                for label, extra in variants:
                    lua_out = os.path.join(out_dir, "%s-%s%s.csv" % (
                        tag, os.path.basename(lua), label.replace(" ", "").replace("--", "-")))
                    run_checked(base + ["--rubric", lua] + extra, lua_out,
                                "stepwise " + os.path.basename(lua))
                    with open(first_highest(out_dir, tag, variants), "rb") as f1, \
                            open(lua_out, "rb") as f2:
                        if f1.read() != f2.read():
                            die("%s: %s (Lua) and highest (C) differ (%s)"
                                % (tag, os.path.basename(lua), lua_out))
            print("check %s: stepwise == reference.py on pupil,skill,step (%d rows; highest, "
                  "secured-n times=2)%s" % (tag, n, "; --jobs 1 == --jobs 2" if has_jobs
                                            else ""), flush=True)

            # 2. the times
            programs = [("floor", [FLOOR[fmt], evidence])]
            programs += [(label, base + ["--rubric", "highest"] + extra)
                         for label, extra in variants]
            no_iso = ["--no-isolate"] if has_isolate else []
            for lua in (LUA_HIGHEST, LUA_LOOP, LUA_NIL):
                for label, extra in variants:
                    programs.append(("%s, %s" % (label, os.path.basename(lua)),
                                     base + ["--rubric", lua] + extra + no_iso))
            if has_isolate:  # a Lua rubric is isolated by default: that too, apart
                programs.append(("%s, %s, isolated" % (variants[-1][0],
                                                      os.path.basename(LUA_HIGHEST)),
                                 base + ["--rubric", LUA_HIGHEST] + variants[-1][1] +
                                 ["--isolate"]))
            programs.append(("python peer", [sys.executable, REFERENCE, "--pupils", pupils,
                                             "--evidence", evidence, "--rubric", "highest"]))
            runs = int(os.environ.get("BENCH_RUNS", "9" if rows <= 100000 else "3"))
            times = {p: [] for p, _ in programs}
            peaks = {p: 0 for p, _ in programs}
            for _ in range(runs):
                for label, argv in programs:
                    out = os.path.join(out_dir, "%s-time.out" % tag)
                    run_checked(argv, out, label)  # untimed: out of the last program's wake
                    secs, rss = run_checked(argv, out, label)
                    if label == "floor":
                        with open(out) as f:
                            got = f.read().split()
                        if got[:2] != ["rows", str(rows)]:
                            die("%s on %s read %s rows, not %d" % (FLOOR[fmt], evidence,
                                                                    got[1:2], rows))
                    times[label].append(secs)
                    peaks[label] = max(peaks[label], rss)
            for label, _ in programs:
                results.append((name, fmt, label, statistics.median(times[label]),
                                peaks[label], rows, min(times[label]), max(times[label])))
            print("timed %s: %d runs each" % (tag, runs), flush=True)

    # 3. the table
    med = {(r[0], r[1], r[2]): r[3] for r in results}
    head = ["size", "format", "program", "wall s", "min..max s", "rows/s", "peak MiB",
            "bytes/row", "x floor", "x jsonl floor", "x peer", "x C"]
    table = []
    for size, fmt, label, secs, rss, rows, fastest, slowest in results:
        floor = med.get((size, fmt, "floor"))
        jfloor = med.get((size, "jsonl", "floor"))
        peer = med.get((size, fmt, "python peer"))
        # a Lua rubric against the built-in highest (computed in C), same --jobs
        builtin = med.get((size, fmt, label.split(", ")[0])) if ", " in label else None
        table.append([size, fmt, label, "%.3f" % secs, "%.3f..%.3f" % (fastest, slowest),
                      "%.3g M" % (rows / secs / 1e6)
                      if rows / secs >= 1e6 else "%.0f k" % (rows / secs / 1e3),
                      "%.1f" % (rss / 1048576), "%.0f" % (rss / rows),
                      fmt_ratio(secs / floor if floor else None),
                      fmt_ratio(secs / jfloor if jfloor else None),
                      fmt_ratio(secs / peer if peer else None),
                      fmt_ratio(secs / builtin if builtin else None)])
    widths = [max(len(str(r[i])) for r in table + [head]) for i in range(len(head))]
    print()
    print("  ".join(h.ljust(w) if i < 3 else h.rjust(w) for i, (h, w) in
                    enumerate(zip(head, widths))))
    for r in table:
        print("  ".join(str(c).ljust(w) if i < 3 else str(c).rjust(w) for i, (c, w) in
                        enumerate(zip(r, widths))))
    print("(wall s: the median of the runs; min..max: the fastest and the slowest run; "
          "peak MiB: the largest maximum resident set of the runs; x floor / x jsonl floor / "
          "x peer: wall time over that of the floor of the same format / the JSONL floor / "
          "the Python peer, same size; x C: a Lua rubric's wall time over that of the "
          "built-in highest, computed in C, with the same --jobs)")

    # 4. start-up: framework load, rubric compile, an empty evidence file
    empty = os.path.join(BENCH_DIR, "empty.csv")
    with open(empty, "w") as f:
        f.write(EVIDENCE_HEADER)
    starts, peak = [], 0
    for _ in range(20):
        secs, rss = run_checked([STEPWISE, "evaluate", "--evidence", empty, "--format", "csv"],
                                os.path.join(out_dir, "empty.out"), "stepwise (empty evidence)")
        starts.append(secs)
        peak = max(peak, rss)
    start = statistics.median(starts)

    names = [gen.size_name(gen.parse_size(s)) for s in SIZES]
    if "100k" in names and "1M" in names:
        parts, beyond = [], []
        for fmt in ("jsonl", "csv"):
            for label in [v[0] for v in variants]:
                a, b = med.get(("100k", fmt, label)), med.get(("1M", fmt, label))
                if a and b:
                    parts.append("%s %s %.1fx" % (fmt, label, b / a))
                    beyond.append("%s %s %.1fx" % (fmt, label, (b - start) / (a - start)))
        print("growth 100k -> 1M (wall 1M / wall 100k): " + "; ".join(parts))
        # the same less the start-up below, which does not grow with the input
        print("growth beyond start-up ((1M - s) / (100k - s)): " + "; ".join(beyond))
    print("start-up (stepwise evaluate --evidence empty.csv): median %.2f ms, min %.2f ms "
          "(20 runs), peak %.1f MiB" % (start * 1e3, min(starts) * 1e3, peak / 1048576))

    # 5. the C API: one pupil, 8 skills of 10 records, sw_engine_evaluate_pupil
    lua_dir = os.path.join(HERE, "..", "..", "scripts", "rubrics")
    for rubric in ("highest", "secured-n", os.path.join(lua_dir, "highest.lua"),
                   os.path.join(lua_dir, "secured-n.lua"), LUA_LOOP, LUA_NIL):
        r = subprocess.run([EMBED, rubric], capture_output=True, text=True)
        if r.returncode != 0:
            die("%s %s exited with %d: %s" % (EMBED, rubric, r.returncode, r.stderr))
        print(r.stdout.strip())

    # 6. editing in place: add a record and evaluate that pupil, at 960k records
    r = subprocess.run([EDIT], capture_output=True, text=True)
    if r.returncode != 0:
        die("%s exited with %d: %s" % (EDIT, r.returncode, r.stderr))
    print(r.stdout.strip())
    print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
