#!/usr/bin/env python3
"""Runs the release binary over the real repositories of docs/accuracy.md and prints, per
repository, its commit, file count, time and peak memory, and a table row for every finding
(verdicts are judged by hand in docs/accuracy.md).

    cargo build --release -p cargo-launchlint
    scripts/accuracy.py DIR...   # each DIR an extracted repository, named owner+name

The repositories are fetched and extracted outside the checkout (see docs/accuracy.md).
"""
import json
import os
import subprocess
import sys

BINARY = os.path.join(os.path.dirname(__file__), "..", "target", "release", "cargo-launchlint")


def run(repo):
    """The report, wall seconds and peak resident KiB of one run (`/usr/bin/time -f`)."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", BINARY, repo, "--format", "json"],
        capture_output=True,
        text=True,
    )
    seconds, peak = out.stderr.strip().splitlines()[-1].split()
    return json.loads(out.stdout), float(seconds), int(peak)


def main():
    for repo in sys.argv[1:]:
        report, seconds, peak_kib = run(repo)
        summary = report.get("summary", {})
        name = os.path.basename(os.path.normpath(repo)).replace("+", "/")
        print(f"## {name}\n")
        print(f"- files scanned: {summary.get('files_scanned', '?')}")
        print(f"- time: {seconds:.1f} s, peak memory {peak_kib // 1024} MiB")
        print(f"- findings: {len(report['findings'])}\n")
        print("| rule | path:line | message | verdict |")
        print("|---|---|---|---|")
        for finding in report["findings"]:
            message = finding["message"].replace("|", "\\|")
            print(f"| `{finding['rule']}` | `{finding['path']}:{finding['line']}` | {message} | |")
        print()


if __name__ == "__main__":
    main()
