#!/usr/bin/env bash
# End-to-end efficient-SPLADE on a CPU (about 15 minutes on 2 cores): BM25 baseline and hard negatives, middle
# training of a tiny BERT (MLM + FLOPS), fine-tuning at two lambda settings (recipe V: L1 queries, FLOPS documents),
# then for each model: encode SciFact's corpus, index, answer the 300 test claims,
# evaluate, and time retrieval.
# Needs ../shared/data (SciFact, bert-base-uncased vocab). Results: training/results/scifact-tiny/.
# BACKEND=torch|onnx (default torch) and QUANTIZE=none|int8 (onnx only) choose the runtime of the evaluation's
# encode and query steps; with onnx, each trained model is first exported to its onnx/model.onnx by
# `convert --to onnx` (again on every run, so a graph never outlives the weights it came from). E.g. BACKEND=onnx QUANTIZE=int8 bash scripts/scifact-tiny.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(cd .. && pwd)
DATA=$(cd ../../shared/data && pwd)
VOCAB=$DATA/bert-base-uncased/vocab.txt
SCIFACT=$DATA/scifact
WORK=training/scratch-scifact
RESULTS=training/results/scifact-tiny
mkdir -p "$WORK" "$RESULTS"
dotnet build -c Release "$ROOT/src/SpladeFast.Cli" -v quiet -nologo > /dev/null
SF=$(ls "$ROOT"/src/SpladeFast.Cli/bin/Release/net10.0/*/splade-fast)
BACKEND=${BACKEND:-torch}
QUANTIZE=${QUANTIZE:-none}
START=$(date +%s)
stage() { echo "== $(( $(date +%s) - START )) s: $*"; }

stage "BM25 over WordPiece: baseline and hard negatives for training"
"$SF" encode --model bm25 --vocab "$VOCAB" --input "$SCIFACT/corpus.jsonl.gz" --output "$WORK/bm25.jsonl.gz" > /dev/null
"$SF" index --input "$WORK/bm25.jsonl.gz" --vocab "$VOCAB" --output "$WORK/bm25.sfi" > /dev/null
"$SF" query --index "$WORK/bm25.sfi" --topics "$SCIFACT/queries.jsonl" --query-encoder tokens --vocab "$VOCAB" --k 100 --run "$WORK/bm25-train.trec" > /dev/null

stage "middle training"
"$SF" train --config configs/scifact-middle.json --threads 2 | tee "$WORK/middle.log" | grep -E "^step (50|100|150)/|^done"

for lambda in low high; do
  stage "fine-tuning, lambda $lambda"
  "$SF" train --config "configs/scifact-v-lambda-$lambda.json" --threads 2 | tee "$WORK/v-lambda-$lambda.log" | grep -E "^step (50|100|150)/|^done"
done

evaluate() { # name, document encoder (model directory or bm25), query encoder (model directory or tokens)
  local name=$1 docs=$2 queries=$3 model
  stage "evaluating $name"
  local runtime=(--backend "$BACKEND" --quantize "$QUANTIZE")
  if [ "$BACKEND" = onnx ]; then
    for model in "$docs" "$queries"; do
      [ "$model" = bm25 ] || [ "$model" = tokens ] || "$SF" convert --input "$model" --to onnx > /dev/null
    done
  fi
  if [ "$docs" != bm25 ]; then
    "$SF" encode --model "$docs" "${runtime[@]}" --input "$SCIFACT/corpus.jsonl.gz" --output "$WORK/$name.jsonl.gz" --max-length 128 --batch 64 --threads 2 > /dev/null
    "$SF" index --input "$WORK/$name.jsonl.gz" --vocab "$VOCAB" --output "$WORK/$name.sfi" > /dev/null
  fi
  local encoder=(--query-model "$queries" "${runtime[@]}")
  [ "$queries" = tokens ] && encoder=(--query-encoder tokens)
  "$SF" query --index "$WORK/$name.sfi" --topics "$SCIFACT/topics.beir-v1.0.0-scifact.test.tsv.gz" "${encoder[@]}" --vocab "$VOCAB" \
    --k 1000 --algorithm block_max_maxscore --run "$WORK/$name.trec" --report json > "$WORK/$name.latency.json"
  "$SF" evaluate --run "$WORK/$name.trec" --qrels "$SCIFACT/qrels.beir-v1.0.0-scifact.test.txt" --json > "$WORK/$name.eval.json"
  "$SF" stats --index "$WORK/$name.sfi" --json > "$WORK/$name.stats.json"
  [ "$queries" = tokens ] || "$SF" encode --model "$queries" "${runtime[@]}" --input "$SCIFACT/topics.beir-v1.0.0-scifact.test.tsv.gz" \
    --output "$WORK/$name.queries.jsonl" --max-length 32 > /dev/null
}
evaluate bm25 bm25 tokens
# The untrained (fresh lexical) model gives dense vectors (about 17,000 terms a document): its evaluation alone
# takes about 6 minutes, so it runs only when asked: UNTRAINED=1 bash scripts/scifact-tiny.sh
models=(bm25 middle-only v-lambda-low v-lambda-high)
if [ "${UNTRAINED:-0}" = 1 ]; then
  evaluate untrained "$WORK/middle/initial" "$WORK/middle/initial"
  models=(bm25 untrained middle-only v-lambda-low v-lambda-high)
fi
evaluate middle-only "$WORK/middle/final" "$WORK/middle/final"
for lambda in low high; do
  evaluate "v-lambda-$lambda" "$WORK/v-lambda-$lambda/final" "$WORK/v-lambda-$lambda/final"
done

stage "report"
python3 scripts/training_report.py "$WORK" "$RESULTS" "${models[@]}"
for lambda in low high; do
  cp "$WORK/v-lambda-$lambda/loss.png" "$RESULTS/v-lambda-$lambda-loss.png"
  cp "$WORK/v-lambda-$lambda/sparsity.png" "$RESULTS/v-lambda-$lambda-sparsity.png"
done
cp "$WORK/middle/loss.png" "$RESULTS/middle-loss.png"
cp "$WORK/middle/sparsity.png" "$RESULTS/middle-sparsity.png"
stage "done"
