#!/usr/bin/env bash
# `npm ci` in a clean clone with every C/C++ compiler and make hidden from PATH, as on a machine
# without a toolchain. It either succeeds, or fails and the README says first that the install
# needs a compiler (the phrase below); anything else fails CI. Prints which of the two holds.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$repo" "$work/clone"
# Uncommitted changes of a developer's tree are part of what is tested, like CI's fresh clone.
git -C "$repo" diff HEAD --binary | git -C "$work/clone" apply --allow-empty 2>/dev/null || true

mkdir "$work/hidden"
for tool in cc c++ gcc g++ clang clang++ make cmake ninja; do
  printf '#!/bin/sh\necho "%s: hidden from PATH by npm-ci-without-compiler.sh" >&2\nexit 127\n' "$tool" > "$work/hidden/$tool"
  chmod +x "$work/hidden/$tool"
done
export PATH="$work/hidden:$PATH"
unset CC CXX npm_config_nodedir
for tool in cc c++ g++ make; do
  if "$tool" --version >/dev/null 2>&1; then echo "compiler $tool is still reachable" >&2; exit 1; fi
done

claim='needs a C++ compiler'
started=$(date +%s)
if (cd "$work/clone" && npm ci --no-audit --no-fund >"$work/npm-ci.log" 2>&1); then
  echo "npm ci without a C++ compiler: succeeded in $(( $(date +%s) - started )) s"
  (cd "$work/clone" && node bin/ablate.js --version >/dev/null) || { echo 'the installed CLI does not start' >&2; exit 1; }
  if grep -q "$claim" "$repo/README.md"; then
    echo "warning: README.md still says the install $claim; it no longer does" >&2
  fi
else
  tail -20 "$work/npm-ci.log"
  if grep -q "$claim" "$repo/README.md"; then
    echo "npm ci without a C++ compiler: fails, as README.md says first (\"$claim\")"
  else
    echo "npm ci without a C++ compiler fails, and README.md does not say that the install $claim" >&2
    exit 1
  fi
fi
