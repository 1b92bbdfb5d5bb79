#!/usr/bin/env bash
# Cluster hop benchmark: the same 4 round-robin shards answered by one process (query --index, serve --index) and
# through an Orleans cluster of 1, 2 and 3 silos on loopback (query --cluster, serve --cluster).
# Usage: bench/cluster/run.sh [DOCS] [QUERIES]   (needs a built CLI: dotnet build src/SpladeFast.Cli -c Release)
set -euo pipefail
cd "$(dirname "$0")/../.."
docs="${1:-100000}"; queries="${2:-1000}"
cli="$PWD/src/SpladeFast.Cli/bin/Release/net10.0/linux-x64/splade-fast"
work="$(mktemp -d /tmp/splade-fast-cluster-bench.XXXXXX)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
"$cli" synth --docs "$docs" --queries "$queries" --output data >/dev/null 2>&1
for i in 0 1 2 3; do "$cli" index --input data/docs.jsonl --vocab data/vocab.txt --output "shard-$i.sfi" --shard "$i/4" --bmp >/dev/null 2>&1; done
shards="shard-0.sfi,shard-1.sfi,shard-2.sfi,shard-3.sfi"
run_query() { "$cli" query "$@" --queries data/queries.tsv --k 10 --algorithm bmp --skip-bad --warmup 2 2>/dev/null | grep '^| bmp'; }
# HTTP, paired: one keep-alive client sends each query to `serve --index` and then to `serve --cluster`, one request
# at a time, so both see the same machine load; p50/p99 of each and the median of the per-query differences, over
# the queries after 100 warm-up requests.
http_paired() {
  python3 - "$1" "$2" <<'PY'
import http.client, json, sys, time, statistics
ports = [int(sys.argv[1]), int(sys.argv[2])]
queries = []
for line in open("data/queries.tsv"):
    qid, text = line.rstrip("\n").split("\t", 1)
    vector = {}
    for token in text.split():
        vector[token] = vector.get(token, 0) + 1
    queries.append(json.dumps({"vector": vector, "k": 10, "algorithm": "bmp"}))
conns = [http.client.HTTPConnection("127.0.0.1", p) for p in ports]
def ask(conn, body):
    t = time.perf_counter()
    conn.request("POST", "/search", body, {"Content-Type": "application/json"})
    r = conn.getresponse(); data = r.read()
    assert r.status == 200, data
    return (time.perf_counter() - t) * 1000, json.loads(data)
for body in queries[:100]:
    for c in conns: ask(c, body)
times = [[], []]; walls = [0.0, 0.0]; differ = 0
for body in queries:
    answers = []
    for i, c in enumerate(conns):
        ms, answer = ask(c, body); times[i].append(ms); walls[i] += ms / 1000; answers.append(answer["hits"])
    differ += answers[0] != answers[1]
diffs = sorted(b - a for a, b in zip(*times))
for name, t, wall in zip(["serve --index", "serve --cluster"], times, walls):
    t = sorted(t)
    print(f"| {name} | {len(t)} | {statistics.median(t):.3f} | {t[int(len(t) * 0.99) - 1]:.3f} | {len(t) / wall:.0f} |")
print(f"cluster hop, median of per-query differences: {statistics.median(diffs):.3f} ms; answers that differ: {differ}")
PY
}
wait_for() { for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done; cat "$1"; return 1; }

echo "## one process (query: | algorithm | k | threads | queries | mean | p50 | p90 | p99 | max | QPS | postings | docs scored |)"
run_query --index "$shards"
run_query --index "$shards" --threads 2
"$cli" serve --index "$shards" --port 18200 > serve.log 2>&1 & pids+=($!)
wait_for serve.log serving
for silos in 1 2 3; do
  gateways=$(seq 0 $((silos - 1)) | sed 's/.*/"127.0.0.1:3120&"/' | paste -sd, -)
  echo "{\"membership\": \"development\", \"primary_silo\": \"127.0.0.1:21200\", \"gateways\": [$gateways]}" > "cluster-$silos.json"
  silo_pids=()
  for s in $(seq 0 $((silos - 1))); do
    mkdir -p "silo-$silos-$s"
    for i in 0 1 2 3; do if [ $((i % silos)) -eq "$s" ]; then ln "$work/shard-$i.sfi" "silo-$silos-$s/shard-$i.sfi"; fi; done
    "$cli" cluster silo --shards "silo-$silos-$s" --cluster "cluster-$silos.json" --name "silo-$s" --silo-port $((21200 + s)) --gateway-port $((31200 + s)) > "silo-$silos-$s.log" 2>&1 &
    pids+=($!); silo_pids+=($!)
    wait_for "silo-$silos-$s.log" serving
  done
  echo "## cluster of $silos silo(s)"
  run_query --cluster "cluster-$silos.json"
  run_query --cluster "cluster-$silos.json" --threads 2
  "$cli" serve --cluster "cluster-$silos.json" --port 18201 > "gateway-$silos.log" 2>&1 & pids+=($!); gateway=$!
  wait_for "gateway-$silos.log" serving
  echo "HTTP: | server | queries | p50 ms | p99 ms | QPS |"; http_paired 18200 18201
  kill "$gateway"; for pid in "${silo_pids[@]}"; do kill "$pid"; done; sleep 2
done
