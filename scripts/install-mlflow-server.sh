#!/usr/bin/env bash
# A small virtual environment with the MLflow tracking server (PyPI's `mlflow`, the same release as
# the pinned client mlflow-skinny), for the tracking tests. The managed tool env carries only the
# client. Prints the env's folder. Reused when present.
set -euo pipefail
version=3.17.2
dir="${ABLATE_CACHE:-$HOME/.cache/ablate}/mlflow-server-$version"
if [ ! -x "$dir/bin/mlflow" ]; then
  python="${ABLATE_PYTHON:-$(command -v python3.11 || command -v python3)}"
  rm -rf "$dir.tmp"
  "$python" -m venv "$dir.tmp" >&2
  "$dir.tmp/bin/pip" install --disable-pip-version-check --no-input --progress-bar off --quiet "mlflow==$version" >&2
  # Console scripts carry their folder in the shebang: rewrite it before moving the env into place.
  for f in "$dir.tmp"/bin/*; do
    if [ -f "$f" ] && [ ! -L "$f" ] && head -c 2 "$f" | grep -q '^#!'; then sed -i "s|$dir.tmp|$dir|g" "$f"; fi
  done
  sed -i "s|$dir.tmp|$dir|g" "$dir.tmp/pyvenv.cfg"
  mv "$dir.tmp" "$dir"
fi
echo "$dir"
