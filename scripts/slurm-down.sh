#!/usr/bin/env bash
# Stops the SLURM cluster started by slurm-up.sh (every slurmd, then slurmctld), by its pid files.
set -uo pipefail
SLURM_DIR="${ABLATE_SLURM_DIR:-/tmp/ablate-slurm}"
# The daemons live in /usr/sbin, which is not on a normal user's PATH: without it every run would reinstall.
export PATH="$PATH:/usr/sbin:/sbin"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

stop() { # name pidfile
  local pidfile="$2"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    local pid; pid="$(cat "$pidfile")"
    printf 'slurm-down: stopping %s (pid %s)\n' "$1" "$pid" >&2
    $SUDO kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    $SUDO kill -KILL "$pid" 2>/dev/null || true
  fi
}
for pidfile in "$SLURM_DIR"/run/slurmd*.pid; do stop "$(basename "$pidfile" .pid)" "$pidfile"; done
stop slurmctld "$SLURM_DIR/run/slurmctld.pid"
if [ "${1:-}" = "--all" ]; then
  stop munged /run/munge/munged.pid
fi
exit 0
