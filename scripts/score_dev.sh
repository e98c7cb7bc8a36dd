#!/usr/bin/env bash
# Score dyads on the dev gold the honest way: `dyads code` every input file of ../shared/gold/dev to
# JSON Lines, exactly as a user would, then score it with the public reference scorer (score.py).
#
# Usage:  scripts/score_dev.sh [DATASET...]      (default: the four event sets)
# Env:    OUT_DIR     where predictions and scores are kept (default: a new temp dir)
#         PROCESSES   parsing processes for `dyads code` (default 1)
#         CODE_ARGS   extra arguments for `dyads code` (e.g. "--no-geocode" to save time)
#         GOLD_DIR    the gold folder (default: ../shared/gold beside the repo)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
gold=${GOLD_DIR:-$repo/../shared/gold}
out=${OUT_DIR:-$(mktemp -d -t dyads-dev-XXXXXX)}
processes=${PROCESSES:-1}
dyads=$repo/.venv/bin/dyads
[ -x "$dyads" ] || dyads=$(command -v dyads) || { echo "error: no dyads command (make install)" >&2; exit 2; }
python=$repo/.venv/bin/python
[ -x "$python" ] || python=python3
[ -f "$gold/score.py" ] || { echo "error: $gold/score.py not found (set GOLD_DIR)" >&2; exit 2; }
mkdir -p "$out"

if [ $# -gt 0 ]; then datasets=("$@"); else
  datasets=(plover-gsr conflibert-cameo india-police-events petr2-gsr)
fi

for ds in "${datasets[@]}"; do
  input=$gold/dev/$ds.input.jsonl
  [ -f "$input" ] || { echo "error: $input not found" >&2; exit 2; }
  echo "== coding $ds" >&2
  start=$(date +%s)
  # --no-store: the events go to the file only; a non-zero exit means some records were rejected
  # shellcheck disable=SC2086
  "$dyads" code "$input" --output "$out/$ds.pred.jsonl" --no-store --rejects "$out/$ds.rejects.jsonl" \
    --processes "$processes" ${CODE_ARGS:-} || echo "warning: dyads code exited $? (see $out/$ds.rejects.jsonl)" >&2
  echo "   $(( $(date +%s) - start )) s, $(wc -l < "$out/$ds.pred.jsonl") events" >&2
  "$python" "$gold/score.py" "$gold/dev/$ds.gold.jsonl" "$out/$ds.pred.jsonl"
  "$python" "$gold/score.py" "$gold/dev/$ds.gold.jsonl" "$out/$ds.pred.jsonl" --json > "$out/$ds.score.json"
done

# The targets of issue 3, next to the measured figures.
"$python" - "$out" "${datasets[@]}" <<'PY'
import json, sys
from pathlib import Path

out, datasets = Path(sys.argv[1]), sys.argv[2:]
targets = {
    "plover-gsr": [("event_type", "f1", .85), ("top1_type_accuracy", "accuracy", .80), ("dyad", "f1", .65),
                   ("actor_country", "f1", .80)],
    "conflibert-cameo": [("penta", "accuracy", .75), ("penta", "macro_f1", .70),
                         ("source_span_token_f1", "f1", .65), ("target_span_token_f1", "f1", .65)],
    "india-police-events": [("ANY_ACTION", "f1", .60)],
    "petr2-gsr": [("dyad", "f1", .60)],
}
print(f"\n{'dataset':22s} {'metric':32s} {'score':>6s} {'target':>7s}")
for ds in datasets:
    metrics = json.loads((out / f"{ds}.score.json").read_text())[ds]["metrics"]
    for group, field, target in targets.get(ds, []):
        value = metrics[group][field]
        print(f"{ds:22s} {group + '.' + field:32s} {value:6.3f} {target:7.2f}  {'ok' if value >= target else 'BELOW'}")
print(f"\npredictions and scores kept in {out}")
PY
