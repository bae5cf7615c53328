#!/usr/bin/python3
"""Checks compare's HTML page (run by `make test` after tests/html-check.sh).

Usage: compare-html-check.py STEPWISE FIXTURE-DIR

Makes the fixture cluster's summaries, runs `compare -o c.html`, and checks:
every table has a caption and every header cell a scope; no scripts or
outside resources; no font size under 10 px; tables scroll inside a box;
the contrast of the text colours on every cell background is at least
4.5:1 (WCAG relative luminance); the key messages come before the grid and
the grid before the schools' sections; no input id or name appears; and,
when Chromium is installed, the page loads in it with no console message.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def luminance(hex_colour):
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    out = []
    for i in (0, 2, 4):
        c = int(h[i:i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def main():
    sw, fix = sys.argv[1], sys.argv[2]
    failures = []
    # the contrast measure can fail: grey #777 on white is just under 4.5:1
    if contrast("#777777", "#ffffff") >= 4.5 or contrast("#1a1a1a", "#ffffff") < 4.5:
        failures.append("contrast measure")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sw, "summary", "--quiet", "--pupils", f"{fix}/pupils.csv", "--evidence",
                        f"{fix}/evidence.csv", "--per-school", "-o", f"{tmp}/s/"], check=True,
                       stderr=subprocess.DEVNULL)
        files = sorted(os.path.join(tmp, "s", f) for f in os.listdir(f"{tmp}/s"))
        subprocess.run([sw, "compare", "-o", f"{tmp}/c.html"] + files, check=True)
        html = open(f"{tmp}/c.html", encoding="utf-8").read()
        tables = html.count("<table")
        if tables < 2 or html.count("<caption>") != tables:
            failures.append(f"{tables} tables but {html.count('<caption>')} captions")
        for th in re.findall(r"<th[ >][^>]*>?", html):
            if "scope=" not in th:
                failures.append(f"header without scope: {th}")
        if re.search(r"<script|src=\"http|href=\"http|@import|url\(", html, re.I):
            failures.append("not self-contained")
        for size in re.findall(r"font-size:\s*(\d+)px", html):
            if int(size) < 10:
                failures.append(f"font size {size}px")
        if ".scroll{overflow-x:auto" not in html:
            failures.append("tables do not scroll inside a box")
        text = re.search(r"body\{[^}]*;color:(#[0-9a-f]+)", html).group(1)
        small = re.search(r"\.fam\{[^}]*color:(#[0-9a-f]+)", html).group(1)
        for bg in set(re.findall(r"background:(#[0-9a-f]{3,6})", html)) | {"#ffffff"}:
            for fg in (text, small):
                if contrast(fg, bg) < 4.5:
                    failures.append(f"contrast {fg} on {bg}: {contrast(fg, bg):.2f}")
        order = [html.find(s) for s in ("Key messages", "Schools and skills", "<h2>Ashby Primary")]
        if -1 in order or order != sorted(order):
            failures.append(f"sections out of order: {order}")
        for s in ("Q001", "Child Surname1", "Teacher"):
            if s in html:
                failures.append(f"input text {s!r} in the page")
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser:
            r = subprocess.run(["timeout", "120", browser, "--headless", "--no-sandbox",
                                "--disable-gpu", "--no-first-run", "--disable-extensions",
                                f"--user-data-dir={tmp}/profile", "--enable-logging=stderr",
                                "--v=0", "--dump-dom", f"file://{tmp}/c.html"],
                               capture_output=True, text=True)
            if "</html>" not in r.stdout:
                failures.append("chromium: the page did not load")
            if re.search(r":CONSOLE[:(]", r.stderr):
                failures.append("chromium: console messages")
        else:
            print("compare-html-check: chromium not installed: the page was not rendered")
    for f in failures:
        print(f"FAIL {f}")
    print(f"compare-html-check: {'ok' if not failures else str(len(failures)) + ' failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
