#!/usr/bin/env bash
# A throw-away single-node Ceph cluster (one mon, one memstore OSD, one RGW) as a real
# S3 server for integration tests. Everything lives in <dir>; nothing touches /etc/ceph
# or /var/lib/ceph, so several clusters can run side by side.
#
#   scripts/ceph-rgw.sh install                        apt-get the Debian packages (root)
#   scripts/ceph-rgw.sh start <dir> <port> [mon_port]  start; S3 on http://127.0.0.1:<port>
#   scripts/ceph-rgw.sh stop <dir>                     stop the daemons and delete <dir>
#
# The S3 user has the fixed keys below (override with RGW_ACCESS_KEY / RGW_SECRET_KEY).
set -euo pipefail

PACKAGES=(radosgw ceph-mon ceph-osd ceph-common curl)
ACCESS_KEY="${RGW_ACCESS_KEY:-DSTESTACCESSKEY00001}"
SECRET_KEY="${RGW_SECRET_KEY:-dstestsecretkey0000000000000000000000001}"
MARKER=".delta-serverless-ceph"

die() {
  echo "ceph-rgw.sh: $*" >&2
  exit 1
}

# Prints the last lines of every daemon log, so a failed start says why.
dump_logs() {
  local dir="$1" f
  for f in "$dir"/log/*.log; do
    [ -f "$f" ] || continue
    echo "----- $f (tail) -----" >&2
    tail -n 25 "$f" >&2
  done
}

# Waits until a command succeeds (up to $1 seconds, polling every 0.2 s).
wait_for() {
  local timeout="$1" what="$2" dir="$3"
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      dump_logs "$dir"
      die "timed out after ${timeout}s waiting for $what"
    fi
    sleep 0.2
  done
}

# Prints a step with the seconds since start began (start-up time shows in CI logs).
step() {
  local now
  now="$(date +%s.%N)"
  awk -v a="$START" -v b="$now" -v m="$*" 'BEGIN { printf "[ceph-rgw %5.1fs] %s\n", b - a, m }'
}

cmd_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
}

check_binaries() {
  local b
  for b in ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool ceph curl; do
    command -v "$b" >/dev/null 2>&1 || die "$b not found: run 'scripts/ceph-rgw.sh install' first (as root)"
  done
}

write_conf() {
  local dir="$1" port="$2" mon_port="$3" fsid="$4"
  cat >"$dir/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
ms bind msgr1 = false
public addr = 127.0.0.1
# Test cluster: no authentication, nothing persistent, one replica.
auth cluster required = none
auth service required = none
auth client required = none
# radosgw asks for msgr2 'secure' mode only, which needs cephx: allow crc.
ms mon client mode = crc secure
ms client mode = crc secure
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 1
osd pool default pgp num = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool delete = true
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
# Commit monitor map changes at once instead of batching them for 1 s (pool creation).
paxos propose interval = 0.01
paxos min wait = 0.01
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
keyring = $dir/keyring
mon data = $dir/mon
osd data = $dir/osd
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $dir/rgw
rgw dynamic resharding = false
rgw enable usage log = false
CONF
}

cmd_start() {
  local dir="${1:-}" port="${2:-}" mon_port="${3:-}"
  [ -n "$dir" ] && [ -n "$port" ] || die "usage: ceph-rgw.sh start <dir> <port> [mon_port]"
  [ -n "$mon_port" ] || mon_port=$((port + 1))
  check_binaries
  START="$(date +%s.%N)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty: give an empty or new directory"
  touch "$dir/$MARKER"
  mkdir -p "$dir/mon" "$dir/osd" "$dir/rgw" "$dir/run" "$dir/log"
  export CEPH_CONF="$dir/ceph.conf"

  local fsid osd_uuid
  fsid="$(cat /proc/sys/kernel/random/uuid)"
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  write_conf "$dir" "$port" "$mon_port" "$fsid"

  # Monitor: keyring (required by --mkfs even with auth none), monmap, store, daemon.
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
  ceph-mon -i a
  wait_for 30 "the monitor" "$dir" ceph --connect-timeout 2 mon stat
  step "monitor up"

  # One OSD on memstore (objects live in RAM).
  local osd_id
  osd_id="$(ceph osd new "$osd_uuid")"
  ceph-osd -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >/dev/null 2>&1 ||
    { dump_logs "$dir"; die "ceph-osd --mkfs failed"; }
  ceph-osd -i "$osd_id" 2>>"$dir/log/osd.stderr.log"
  wait_for 60 "the OSD to come up" "$dir" sh -c "ceph osd stat | grep -q '1 up'"
  step "OSD up"

  # S3 user with fixed keys, then the gateway; wait until S3 answers.
  radosgw-admin user create --uid=dstest --display-name="delta-serverless tests" \
    --access-key="$ACCESS_KEY" --secret="$SECRET_KEY" >/dev/null
  step "S3 user created"
  radosgw -n client.rgw.a
  wait_for 60 "RGW on port $port" "$dir" curl -sf "http://127.0.0.1:$port/"
  step "RGW ready: http://127.0.0.1:$port (access key $ACCESS_KEY)"
}

# True while the process exists and is not a zombie (containers may have no init to reap it).
is_running() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

cmd_stop() {
  local dir="${1:-}"
  [ -n "$dir" ] || die "usage: ceph-rgw.sh stop <dir>"
  [ -d "$dir" ] || return 0
  [ -f "$dir/$MARKER" ] || die "$dir was not made by ceph-rgw.sh start: refusing to touch it"
  local pidfile pid alive pids=()
  for pidfile in "$dir"/run/*.pid; do
    [ -f "$pidfile" ] && pids+=("$(cat "$pidfile")")
  done
  # Nothing is kept (memstore), so no orderly shutdown is needed: KILL all, wait until gone.
  if [ "${#pids[@]}" -gt 0 ]; then
    kill -9 "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do
      alive=0
      for pid in "${pids[@]}"; do is_running "$pid" && alive=1; done
      [ "$alive" = 0 ] && break
      sleep 0.1
    done
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) cmd_install ;;
  start) shift && cmd_start "$@" ;;
  stop) shift && cmd_stop "$@" ;;
  *) die "usage: ceph-rgw.sh install | start <dir> <port> [mon_port] | stop <dir>" ;;
esac
