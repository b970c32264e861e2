#!/usr/bin/env bash
# Installs Debian's chromium for the headless report test (test/e2e/report.test.ts). Idempotent:
# does nothing when /usr/bin/chromium already exists. Needs root (or sudo) and the Debian mirrors;
# `npx playwright install` is not an option here (it downloads a browser from a CDN).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-chromium: run as root or install sudo" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
