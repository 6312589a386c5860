#!/usr/bin/env python3
"""Turns run-bench.sh's JSON lines into one table (ssehub, Nchan, ratio) and checks correctness.

Exit status 1 when ssehub lost, duplicated or reordered an event, failed a connection, or answered
a publish with an error: the speed figures are for reading, correctness is enforced."""
import json
import sys

path, mode = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(path) if line.strip()]

# With --repeat, each (scenario, server) has several rows: the table shows the median of every
# figure; the correctness checks look at every row.
groups = {}
for r in rows:
    groups.setdefault((r["scenario"], r["flavor"]), []).append(r)


def median_row(group):
    out = dict(group[0])
    for key, value in group[0].items():
        values = [g[key] for g in group if isinstance(g.get(key), (int, float))]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and values:
            values.sort()
            mid = len(values) // 2
            m = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
            out[key] = int(m) if isinstance(value, int) and float(m).is_integer() else m
    return out


by = {key: median_row(group) for key, group in groups.items()}
rounds = max((len(g) for g in groups.values()), default=1)

TITLES = {
    "1": "1. one topic, many subscribers, 10 publishes/s",
    "2": "2. 1,000 subscribers (smoke: 100), 50 publishes/s",
    "3": "3. many subscribers over many topics, 200 publishes/s",
    "4": "4. idle connections: memory",
    "5": "5. connect storm",
    "6": "6. publish intake (wrk, keep-alive)",
    "7": "7. fan-out over 2 instances sharing Redis",
}
FIGURES = {
    "1": [("subscribers established", "established"), ("delivery ratio", "delivery_ratio"),
          ("duplicates", "duplicates"), ("out of order", "out_of_order"),
          ("server CPU µs per delivery", "server_cpu_us_per_delivery"),
          ("latency p50 ms", "latency_p50_ms"), ("latency p90 ms", "latency_p90_ms"),
          ("latency p99 ms", "latency_p99_ms"), ("latency max ms", "latency_max_ms")],
    "4": [("connections established", "established"), ("resident KiB per connection", "rss_per_connection_kib"),
          ("resident KiB with all open", "server_rss_idle_kib"), ("delivery ratio (a few events to all)", "delivery_ratio")],
    "5": [("established", "established"), ("failed", "failed"), ("connections per second", "connect_rate"),
          ("connect p50 ms", "connect_p50_ms"), ("connect p99 ms", "connect_p99_ms"),
          ("server CPU s for the storm", "server_connect_cpu_seconds")],
    "6": [("requests per second", "requests_per_second"), ("latency p50 ms", "latency_p50_ms"),
          ("latency p99 ms", "latency_p99_ms"), ("non-2xx answers", "non_2xx"),
          ("server CPU s", "server_cpu_seconds")],
}
FIGURES["2"] = FIGURES["1"]
FIGURES["3"] = FIGURES["1"]
FIGURES["7"] = FIGURES["1"] + [("server CPU s (instances + Redis)", "server_cpu_seconds")]


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


run_label = mode if rounds == 1 else f"{mode}, median of {rounds} runs"
print(f"| scenario ({run_label}) | figure | ssehub | Nchan | ssehub/Nchan |")
print("| --- | --- | ---: | ---: | ---: |")
for scenario in sorted({r["scenario"] for r in rows}):
    ours, theirs = by.get((scenario, "ssehub"), {}), by.get((scenario, "nchan"), {})
    for label, key in FIGURES[scenario]:
        a, b = ours.get(key), theirs.get(key)
        ratio = "-"
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
            ratio = f"{a / b:.2f}"
        print(f"| {TITLES[scenario]} | {label} | {fmt(a)} | {fmt(b)} | {ratio} |")

# Scenario 7 also compares the cluster with one embedded instance doing the same work.
cluster, embedded = by.get(("7", "ssehub"), {}), by.get(("7", "ssehub-embedded"), {})
if cluster and embedded:
    print()
    print(f"| scenario 7 ({run_label}) | figure | ssehub, 2 instances + Redis | ssehub, 1 embedded | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, key in FIGURES["7"]:
        a, b = cluster.get(key), embedded.get(key)
        ratio = f"{a / b:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "-"
        print(f"| {TITLES['7']} | {name} | {fmt(a)} | {fmt(b)} | {ratio} |")

problems = []
for r in rows:
    scenario, flavor = r["scenario"], r["flavor"]
    if flavor not in ("ssehub", "ssehub-embedded"):
        continue
    if scenario in ("1", "2", "3", "4", "7"):
        if r["delivery_ratio"] < 1.0:
            problems.append(f"scenario {scenario}: delivered {r['delivered']} of {r['expected']}")
        if r["duplicates"] or r["out_of_order"]:
            problems.append(f"scenario {scenario}: {r['duplicates']} duplicates, {r['out_of_order']} out of order")
        if r["publish_errors"]:
            problems.append(f"scenario {scenario}: {r['publish_errors']} publish errors")
    if scenario in ("1", "2", "3", "4", "5", "7") and (r["failed"] or r["established"] != r["subscribers"]):
        problems.append(f"scenario {scenario}: {r['established']} of {r['subscribers']} connections, {r['failed']} failed")
    if scenario == "6" and (r["requests_per_second"] <= 0 or r["non_2xx"]):
        problems.append(f"scenario 6: {r['requests_per_second']} requests/s, {r['non_2xx']} errors")
for p in problems:
    print(f"PROBLEM: {p}")
print(f"{0 if problems else 1} passed, {len(problems) and 1} failed")
sys.exit(1 if problems else 0)
