#!/usr/bin/env bash
# Starts a real two-node SLURM cluster on this one machine (Debian's slurmctld/slurmd/munge) for the slurm
# test tier: Debian builds Slurm with multiple-slurmd support, so two slurmd daemons (`slurmd -N node1`,
# `-N node2`) each serve one node on their own port, with per-node spool, log and pid files (%n).
# Idempotent: re-running it on a running cluster with the same configuration only checks that the nodes
# are idle; a changed configuration restarts the daemons.
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

# 2. slurm.conf: two nodes on this host, each offered all its CPUs (both share them), and half of the
# memory that is free now (a bit less), so two-node jobs fit.
HOST="$(hostname -s)"
CPUS="$(nproc)"
NODES="${ABLATE_SLURM_NODES:-2}"
FREE_MB="$(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo)"
MEM_MB=$(( FREE_MB > 4096 ? (FREE_MB - 2048) / NODES : FREE_MB / (2 * NODES) ))
$SUDO mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool" "$SLURM_DIR/log" "$SLURM_DIR/run" /etc/slurm
CONF=/etc/slurm/slurm.conf
NEW_CONF="$(mktemp)"
cat >"$NEW_CONF" <<CONF
# Written by ablate scripts/slurm-up.sh: a ${NODES}-node test cluster on one machine (multiple-slurmd).
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
SlurmdSpoolDir=${SLURM_DIR}/spool/%n
SlurmctldLogFile=${SLURM_DIR}/log/slurmctld.log
SlurmdLogFile=${SLURM_DIR}/log/slurmd-%n.log
SlurmctldPidFile=${SLURM_DIR}/run/slurmctld.pid
SlurmdPidFile=${SLURM_DIR}/run/slurmd-%n.pid
# Requeued jobs (preemption, scontrol requeue) start again instead of being held.
JobRequeue=1
CONF
for i in $(seq 1 "$NODES"); do
  echo "NodeName=node${i} NodeHostname=${HOST} NodeAddr=127.0.0.1 Port=$((6830 + i)) CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN" >>"$NEW_CONF"
done
echo "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP" >>"$NEW_CONF"
NODE_NAMES="$(seq -f 'node%g' -s ' ' 1 "$NODES")"
# Keep an existing conf (and the running daemons) when only the memory figure would change.
same_but_memory() { diff -q <(sed 's/RealMemory=[0-9]*//' "$1") <(sed 's/RealMemory=[0-9]*//' "$2") >/dev/null; }
if [ -f "$CONF" ] && same_but_memory "$CONF" "$NEW_CONF"; then
  rm -f "$NEW_CONF"
else
  $SUDO install -m 644 "$NEW_CONF" "$CONF"
  rm -f "$NEW_CONF"
  # A changed configuration needs fresh daemons (every slurmd of an earlier layout too: slurmd.pid is the
  # single-node one), and a controller state without the old node names.
  for pidfile in "$SLURM_DIR"/run/slurmd*.pid "$SLURM_DIR/run/slurmctld.pid"; do
    if pid_alive "$pidfile"; then
      log "stopping $(basename "$pidfile" .pid) for the new slurm.conf"
      $SUDO kill -TERM "$(cat "$pidfile")"
      for _ in $(seq 1 50); do pid_alive "$pidfile" || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  done
  $SUDO rm -rf "$SLURM_DIR/state"
  $SUDO mkdir -p "$SLURM_DIR/state"
fi

# 3. daemons: one controller, one slurmd per node (`-N` names the node it serves).
if ! pid_alive "$SLURM_DIR/run/slurmctld.pid"; then
  log "starting slurmctld"
  $SUDO slurmctld
fi
for node in $NODE_NAMES; do
  $SUDO mkdir -p "$SLURM_DIR/spool/$node"
  if ! pid_alive "$SLURM_DIR/run/slurmd-$node.pid"; then
    log "starting slurmd for $node"
    $SUDO slurmd -N "$node"
  fi
done

# Wait until every node is usable.
for _ in $(seq 1 120); do
  ready=0
  for node in $NODE_NAMES; do
    STATE="$(sinfo -h -n "$node" -o '%T' 2>/dev/null | head -n1 || true)"
    case "$STATE" in
      idle|mixed|allocated) ready=$((ready + 1)) ;;
      down*|drain*) $SUDO scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
    esac
  done
  if [ "$ready" -eq "$NODES" ]; then log "nodes $NODE_NAMES are up"; exit 0; fi
  sleep 0.5
done
log "the nodes did not all become idle: $(sinfo -h -N -o '%N=%T' 2>/dev/null | tr '\n' ' '); see $SLURM_DIR/log"
exit 1
