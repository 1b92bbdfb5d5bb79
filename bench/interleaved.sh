#!/usr/bin/env bash
# Interleaved latency runs of several CLI builds (and PISA) on the same queries, one thread.
# Usage: bench/interleaved.sh INDEX.sfi QUERIES.tsv ROUNDS "KS" "ALGOS" ENGINE...
#   ENGINE: a directory holding a splade-fast build (e.g. a copy of src/SpladeFast.Cli/bin/Release/net10.0/linux-x64),
#   or pisa:W for PISA's `queries` on W/coll.* as ../shared/anchors/pisa/side-by-side.sh builds it.
# For each round, k, algorithm, the engines run one after the other (runs under ./interleaved-runs). Prints per engine
# the median over rounds of the mean, p50 and p99 (ms), and the mean, p50 and p99 of each query's fastest time over
# the rounds (steadier on a shared machine).
set -euo pipefail
IDX=$1; Q=$2; R=$3; KS=$4; AL=$5; shift 5
P=${PISA_BIN:-$(dirname "$(readlink -f "$0")")/../../shared/anchors/pisa/bin}
D=interleaved-runs; mkdir -p $D
name() { if [[ $1 == pisa:* ]]; then echo "pisa-$(basename "${1#pisa:}")"; else basename "$1"; fi; }
for r in $(seq 1 "$R"); do for k in $KS; do for a in $AL; do for e in "$@"; do
  n=$(name "$e")
  if [[ $e == pisa:* ]]; then W=${e#pisa:}
    "$P/queries" -e block_simdbp -i "$W/coll.block_simdbp" -w "$W/coll.fixed40.wand" -q "$W/coll.queries" -k "$k" -a "$a" \
      -s quantized --weighted --runs 1 -o "$D/$n-k$k-$a-r$r.tsv" > /dev/null 2>&1
    python3 -c "import json,sys; rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])][1:]
json.dump({'runs':[{'per_query_ms':[int(x[3])/1000 for x in rows],'postings_decoded_per_query':0,'documents_scored_per_query':0}]},open(sys.argv[2],'w'))" \
      "$D/$n-k$k-$a-r$r.tsv" "$D/$n-k$k-$a-r$r.json"
  else
    "$e/splade-fast" query -i "$IDX" -q "$Q" -k "$k" -a "$a" --threads 1 --report json > "$D/$n-k$k-$a-r$r.json" 2>/dev/null
  fi
done; done; done; done
python3 - "$D" "$R" "$KS" "$AL" "$(for e in "$@"; do name "$e"; done)" <<'PY'
import json, sys, statistics as st
D, R, KS, AL, names = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split(), sys.argv[5].split()
print("| k | algorithm | engine | mean | p50 | p99 | fastest-of-rounds mean | p50 | p99 | round means | postings/q | scored/q |")
print("|--:|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|")
for k in KS:
    for a in AL:
        for n in names:
            means, p50s, p99s, fastest = [], [], [], None
            for r in range(1, R + 1):
                d = json.load(open(f"{D}/{n}-k{k}-{a}-r{r}.json"))["runs"][0]
                t = d["per_query_ms"]; s = sorted(t)
                means.append(sum(s) / len(s)); p50s.append(s[len(s) // 2]); p99s.append(s[99 * len(s) // 100])
                fastest = t if fastest is None else [min(x, y) for x, y in zip(fastest, t)]
            f = sorted(fastest)
            print(f"| {k} | {a} | {n} | {st.median(means):.3f} | {st.median(p50s):.3f} | {st.median(p99s):.2f} | "
                  f"{sum(f) / len(f):.3f} | {f[len(f) // 2]:.3f} | {f[99 * len(f) // 100]:.2f} | "
                  f"{' '.join(f'{x:.2f}' for x in means)} | {d['postings_decoded_per_query']:.0f} | {d['documents_scored_per_query']:.0f} |")
PY
