#!/usr/bin/env python3
"""Turns run-bench.sh's JSON lines into one table (ssehub, Nchan, ratio) and checks correctness.

Scenarios 8 and 9 (with tokens) are also set against ssehub's own 6 and 5 of the same run.
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
    if r["scenario"] in ("5", "9", "12") and r.get("established"):
        r["server_cpu_us_per_connection"] = r["server_connect_cpu_seconds"] * 1e6 / r["established"]
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
# Scenario 10 with no accepted event has no delivery figures to show (the checks below say why).
for (scenario, _), r in by.items():
    if scenario == "10" and not r.get("events_accepted"):
        for key in ("delivery_ratio", "server_cpu_us_per_event", "server_cpu_us_per_delivery",
                    "latency_p50_ms", "latency_p99_ms"):
            r[key] = None
rounds = max((len(g) for g in groups.values()), default=1)

TITLES = {
    "1": "1. one topic, many subscribers, 10 publishes/s",
    "2": "2. 1,000 subscribers (smoke: 100), 50 publishes/s",
    "3": "3. many subscribers over many topics, 200 publishes/s",
    "4": "4. idle connections: memory",
    "5": "5. connect storm",
    "6": "6. publish intake (wrk, keep-alive)",
    "7": "7. fan-out over 2 instances sharing Redis",
    "8": "8. authenticated intake (6 with HS256 tokens)",
    "9": "9. authenticated connect storm (a token per connection)",
    "10": "10. batch intake (ndjson batches, 10 streams per topic)",
    "11": "11. scenario 1 with presence events on",
    "12": "12. connect storm with presence events on",
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
          ("server CPU s for the storm", "server_connect_cpu_seconds"),
          ("server CPU µs per connection", "server_cpu_us_per_connection")],
    "6": [("requests per second", "requests_per_second"), ("latency p50 ms", "latency_p50_ms"),
          ("latency p99 ms", "latency_p99_ms"), ("non-2xx answers", "non_2xx"),
          ("server CPU s", "server_cpu_seconds"), ("server CPU µs per request", "server_cpu_us_per_request")],
}
FIGURES["10"] = [("subscribers established", "established"), ("events per batch", "batch"),
                 ("events sent", "events_sent"), ("events accepted", "events_accepted"),
                 ("events failed", "events_failed"), ("batch answers by status", "batch_answers"),
                 ("refused events by status", "event_errors"),
                 ("accepted events per second", "accepted_per_second"),
                 ("deliveries per second", "deliveries_per_second"), ("delivery ratio", "delivery_ratio"),
                 ("lost", "lost"), ("duplicates", "duplicates"), ("out of order", "out_of_order"),
                 ("delivered but not accepted", "unexpected"),
                 ("server CPU µs per event", "server_cpu_us_per_event"),
                 ("server CPU µs per delivery", "server_cpu_us_per_delivery"),
                 ("latency p50 ms", "latency_p50_ms"), ("latency p99 ms", "latency_p99_ms")]
FIGURES["2"] = FIGURES["1"]
FIGURES["3"] = FIGURES["1"]
FIGURES["7"] = FIGURES["1"] + [("server CPU s (instances + Redis)", "server_cpu_seconds")]
FIGURES["8"] = FIGURES["6"]
FIGURES["9"] = FIGURES["5"]
FIGURES["11"] = FIGURES["1"]
FIGURES["12"] = FIGURES["5"]
# Scenario with tokens -> the same scenario without, and the figures set side by side.
AUTHENTICATED = {"8": "6", "9": "5"}
# Scenario with presence events -> the same scenario without.
PRESENCE = {"11": "1", "12": "5"}


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {n:,}" for k, n in v.items()) or "-"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


run_label = mode if rounds == 1 else f"{mode}, median of {rounds} runs"
print(f"| scenario ({run_label}) | figure | ssehub | Nchan | ssehub/Nchan |")
print("| --- | --- | ---: | ---: | ---: |")
for scenario in sorted({r["scenario"] for r in rows}, key=int):
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

# Scenarios 8 and 9 against ssehub's anonymous 6 and 5 of the same run (Nchan has no JWT).
pairs = [(a, b) for a, b in AUTHENTICATED.items() if (a, "ssehub") in by and (b, "ssehub") in by]
if pairs:
    print()
    print(f"| scenario ({run_label}) | figure | ssehub, tokens | ssehub, anonymous | vs anonymous |")
    print("| --- | --- | ---: | ---: | ---: |")
    for authenticated, anonymous in pairs:
        a_row, b_row = by[(authenticated, "ssehub")], by[(anonymous, "ssehub")]
        for name, key in FIGURES[authenticated]:
            a, b = a_row.get(key), b_row.get(key)
            ratio = f"{a / b:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "-"
            print(f"| {TITLES[authenticated]} vs {anonymous} | {name} | {fmt(a)} | {fmt(b)} | {ratio} |")

pairs = [(a, b) for a, b in PRESENCE.items() if (a, "ssehub") in by and (b, "ssehub") in by]
if pairs:
    print()
    print(f"| scenario ({run_label}) | figure | ssehub, presence events | ssehub, none | vs none |")
    print("| --- | --- | ---: | ---: | ---: |")
    for with_events, without in pairs:
        a_row, b_row = by[(with_events, "ssehub")], by[(without, "ssehub")]
        for name, key in FIGURES[with_events]:
            a, b = a_row.get(key), b_row.get(key)
            ratio = f"{a / b:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "-"
            print(f"| {TITLES[with_events]} vs {without} | {name} | {fmt(a)} | {fmt(b)} | {ratio} |")

for (scenario, flavor), r in sorted(by.items(), key=lambda item: (int(item[0][0]), item[0][1])):
    if r.get("first_error"):
        print(f"scenario {scenario} ({flavor}): first error: {r['first_error']}")

problems = []
for r in rows:
    scenario, flavor = r["scenario"], r["flavor"]
    # Intake is compared with one subscriber on the topic, for both servers.
    if scenario in ("6", "8") and r.get("subscriber_status", 200) != 200:
        problems.append(f"scenario {scenario} ({flavor}): the subscriber was answered {r['subscriber_status']}, not 200")
    if flavor not in ("ssehub", "ssehub-embedded"):
        continue
    if scenario in ("1", "2", "3", "4", "7", "11"):
        if r["delivery_ratio"] < 1.0:
            problems.append(f"scenario {scenario}: delivered {r['delivered']} of {r['expected']}")
        if r["duplicates"] or r["out_of_order"]:
            problems.append(f"scenario {scenario}: {r['duplicates']} duplicates, {r['out_of_order']} out of order")
        if r["publish_errors"]:
            problems.append(f"scenario {scenario}: {r['publish_errors']} publish errors")
    if scenario in ("1", "2", "3", "4", "5", "7", "9", "10", "11", "12") and (r["failed"] or r["established"] != r["subscribers"]):
        problems.append(f"scenario {scenario}: {r['established']} of {r['subscribers']} connections, {r['failed']} failed")
    if scenario in ("6", "8"):
        if r["requests_per_second"] <= 0 or r["non_2xx"]:
            problems.append(f"scenario {scenario}: {r['requests_per_second']} requests/s, {r['non_2xx']} errors")
    if scenario == "8" and r.get("anonymous_status") != 401:
        problems.append(f"scenario 8: an anonymous publish was answered {r.get('anonymous_status')}, not 401")
    if scenario == "10":
        not_accepted = r["events_failed"] + r["events_not_sent"]
        if not_accepted or r["events_accepted"] != r["events_sent"]:
            answers = fmt(r["batch_answers"])
            problems.append(f"scenario 10: {r['events_accepted']} of {r['events_sent'] + r['events_not_sent']} events "
                            f"accepted, {not_accepted} failed (batch answers: {answers}; first error: "
                            f"{r.get('first_error') or '-'})")
        if r["lost"] or r["duplicates"] or r["out_of_order"] or r["unexpected"]:
            problems.append(f"scenario 10: {r['lost']} lost, {r['duplicates']} duplicates, "
                            f"{r['out_of_order']} out of order, {r['unexpected']} delivered but not accepted")
        if r["answer_mismatches"] or r["unmatched_answers"]:
            problems.append(f"scenario 10: {r['answer_mismatches']} answers not as the contract says, "
                            f"{r['unmatched_answers']} answers to no batch")
for p in problems:
    print(f"PROBLEM: {p}")
print(f"{0 if problems else 1} passed, {len(problems) and 1} failed")
sys.exit(1 if problems else 0)
