#!/usr/bin/env python3
"""Collects scifact-tiny.sh's measurements into results.csv and results.md (standard library only).

usage: training_report.py WORK_DIR RESULTS_DIR NAME...
"""
import csv
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def query_terms(path):
    if not os.path.exists(path):
        return None
    counts = [len(json.loads(line)["vector"]) for line in open(path, encoding="utf-8") if line.strip()]
    return sum(counts) / len(counts)


def main(work, results, names):
    rows = []
    for name in names:
        evaluation = load(os.path.join(work, name + ".eval.json"))["mean"]
        stats = load(os.path.join(work, name + ".stats.json"))
        latency = load(os.path.join(work, name + ".latency.json"))
        run = latency["runs"][0]
        rows.append({
            "model": name,
            "ndcg@10": round(evaluation["ndcg_cut_10"], 4),
            "mrr@10": round(evaluation["mrr@10"], 4),
            "recall@100": round(evaluation["recall_100"], 4),
            "doc_terms": round(stats["PostingsPerDocument"], 1),
            "query_terms": None if (q := query_terms(os.path.join(work, name + ".queries.jsonl"))) is None else round(q, 1),
            "postings": stats["Postings"],
            "index_mb": round(stats["FileBytes"] / 1e6, 2),
            "retrieval_mean_ms": round(run["latency_ms"]["Mean"], 3),
            "retrieval_p99_ms": round(run["latency_ms"]["P99"], 3),
            "postings_per_query": round(run["postings_decoded_per_query"]),
        })
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "results.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with open(os.path.join(results, "results.md"), "w", encoding="utf-8") as f:
        f.write("| " + " | ".join(rows[0]) + " |\n")
        f.write("|" + "|".join("---" if i == 0 else "--:" for i in range(len(rows[0]))) + "|\n")
        for row in rows:
            f.write("| " + " | ".join("-" if v is None else str(v) for v in row.values()) + " |\n")
    print(open(os.path.join(results, "results.md"), encoding="utf-8").read())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
