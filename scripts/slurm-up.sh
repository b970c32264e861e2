#!/usr/bin/env bash
# Starts a real single-node SLURM cluster (Debian's slurmctld/slurmd/munge) for the slurm test tier.
# Idempotent: re-running it on a running cluster only checks that the node is idle.
# State, spool, logs and pid files live under $ABLATE_SLURM_DIR (default /tmp/ablate-slurm).
set -euo pipefail

SLURM_DIR="${ABLATE_SLURM_DIR:-/tmp/ablate-slurm}"
# The daemons live in /usr/sbin, which is not on a normal user's PATH: without it every run would reinstall.
export PATH="$PATH:/usr/sbin:/sbin"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf 'slurm-up: %s\n' "$*" >&2; }

pid_alive() { # pidfile
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q slurmctld slurmd slurm-client munge
fi

# 1. munge: a key owned by munge (mode 400), daemon running as the munge user.
if [ ! -s /etc/munge/munge.key ]; then
  log "creating munge key"
  $SUDO dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
$SUDO chown munge:munge /etc/munge/munge.key
$SUDO chmod 400 /etc/munge/munge.key
$SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
$SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "starting munged"
  $SUDO runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi

# 2. slurm.conf: this host, all its CPUs, memory a bit below what is free now.
HOST="$(hostname -s)"
CPUS="$(nproc)"
FREE_MB="$(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo)"
MEM_MB=$(( FREE_MB > 2048 ? FREE_MB - 1024 : FREE_MB / 2 ))
$SUDO mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool" "$SLURM_DIR/log" "$SLURM_DIR/run" /etc/slurm
CONF=/etc/slurm/slurm.conf
NEW_CONF="$(mktemp)"
cat >"$NEW_CONF" <<CONF
# Written by ablate scripts/slurm-up.sh: a single-node test cluster.
ClusterName=ablate
SlurmctldHost=${HOST}
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Jobs without --mem get 1 GB per CPU instead of the whole node, so several run at once.
DefMemPerCPU=1024
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
MinJobAge=300
StateSaveLocation=${SLURM_DIR}/state
SlurmdSpoolDir=${SLURM_DIR}/spool
SlurmctldLogFile=${SLURM_DIR}/log/slurmctld.log
SlurmdLogFile=${SLURM_DIR}/log/slurmd.log
SlurmctldPidFile=${SLURM_DIR}/run/slurmctld.pid
SlurmdPidFile=${SLURM_DIR}/run/slurmd.pid
NodeName=${HOST} CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# Keep an existing conf (and the running daemons) when only the memory figure would change.
if [ -f "$CONF" ] && diff -q <(grep -v '^NodeName' "$CONF") <(grep -v '^NodeName' "$NEW_CONF") >/dev/null; then
  rm -f "$NEW_CONF"
else
  $SUDO install -m 644 "$NEW_CONF" "$CONF"
  rm -f "$NEW_CONF"
  # A changed configuration needs fresh daemons.
  for d in slurmd slurmctld; do
    if pid_alive "$SLURM_DIR/run/$d.pid"; then
      log "restarting $d for the new slurm.conf"
      $SUDO kill -TERM "$(cat "$SLURM_DIR/run/$d.pid")"
      for _ in $(seq 1 50); do pid_alive "$SLURM_DIR/run/$d.pid" || break; sleep 0.1; done
    fi
  done
fi

# 3. daemons.
if ! pid_alive "$SLURM_DIR/run/slurmctld.pid"; then
  log "starting slurmctld"
  $SUDO slurmctld
fi
if ! pid_alive "$SLURM_DIR/run/slurmd.pid"; then
  log "starting slurmd"
  $SUDO slurmd
fi

# Wait until the node is usable.
for _ in $(seq 1 120); do
  STATE="$(sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n1 || true)"
  case "$STATE" in
    idle|mixed|allocated) log "node $HOST is $STATE"; exit 0 ;;
    down*|drain*) $SUDO scontrol update NodeName="$HOST" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 0.5
done
log "node $HOST did not become idle (state: ${STATE:-unknown}); see $SLURM_DIR/log"
exit 1
