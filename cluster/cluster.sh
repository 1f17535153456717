# gridmap cluster on loopback, from Debian packages only (sourced by ./gridmap; uses its say/die/need_packages/as_pg).
#
#   etcd (one member)            the distributed configuration store Patroni keeps its leader key in
#   Patroni × 3 (pg1, pg2, pg3)  PostgreSQL 15 + PostGIS: one primary, two streaming replicas, synchronous_mode on
#   haproxy                      :BASE     the one URL (HTTP, round robin over the service replicas, /q/health/ready)
#                                :BASE+1   database primary  (Patroni's REST check GET /primary)
#                                :BASE+2   database replicas (GET /replica, lag ≤ 16 MB; the primary as backup)
#                                :BASE+3   haproxy's statistics page
#   service × N (default 2)      :BASE+31… the packaged jar, writes and LISTEN through :BASE+1, lag-tolerant reads through :BASE+2
#
# Ports: GRIDMAP_CLUSTER_PORT (BASE, default 65100; the rest are offsets of it). Replicas: GRIDMAP_CLUSTER_SERVICES.
# State: <state dir>/cluster (data folders, configurations, logs, pid files).

CLUSTER_NODES=(pg1 pg2 pg3)

cluster_base() { printf '%s' "${GRIDMAP_CLUSTER_PORT:-65100}"; }
cluster_dir() { local d; d=$(state_dir)/cluster-$(cluster_base); mkdir -p "$d"; [ $IS_ROOT = 1 ] && chown postgres: "$d"; printf '%s' "$d"; }
# node i (1-based): PostgreSQL on BASE+10+i, Patroni's REST API on BASE+20+i; etcd client BASE+5, peer BASE+6
cluster_pg_port() { echo $(( $(cluster_base) + 10 + $1 )); }
cluster_rest_port() { echo $(( $(cluster_base) + 20 + $1 )); }
cluster_service_port() { echo $(( $(cluster_base) + 30 + $1 )); }

cluster_running() { local f=$1; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

# start a long-running process in its own session, as the postgres user when root, its pid in $pidfile
# (the pid file holds the process itself, not runuser: runuser stays behind as its parent and would take a signal for it;
# the process leads its own process group, so that killing the group takes its children, e.g. Patroni's postmaster)
cluster_spawn() {
  local pidfile=$1 log=$2; shift 2
  rm -f "$pidfile"
  if [ $IS_ROOT = 1 ]; then
    setsid runuser -u postgres -- sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" >>"$log" 2>&1 < /dev/null &
  else
    setsid sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" >>"$log" 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 50); do [ -s "$pidfile" ] && return 0; sleep 0.1; done
  die "cluster: $* did not start"
}

cluster_wait() { # cluster_wait SECONDS WHAT COMMAND…
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 $((secs * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "cluster: $what not ready after ${secs}s"
}

cluster_patroni_yml() { # node index, data dir
  local i=$1 dir=$2 name=pg$1 base; base=$(cluster_base)
  cat <<EOF
scope: gridmap
namespace: /gridmap/
name: $name
log:
  level: WARNING
restapi:
  listen: 127.0.0.1:$(cluster_rest_port "$i")
  connect_address: 127.0.0.1:$(cluster_rest_port "$i")
etcd3:
  hosts: 127.0.0.1:$((base + 5))
bootstrap:
  dcs:
    # a lost leader is replaced within ttl (8 s) + one loop (1 s); loop_wait + 2 × retry_timeout ≤ ttl
    ttl: 8
    loop_wait: 1
    retry_timeout: 3
    maximum_lag_on_failover: 1048576
    # acknowledged commits are on the primary and on a synchronous standby; Patroni promotes only that standby
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        hot_standby_feedback: "on"
        max_connections: 120
        shared_buffers: 384MB
        work_mem: 32MB
        maintenance_work_mem: 128MB
        wal_keep_size: 256MB
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
  # loopback only, as the private cluster: trust for 127.0.0.1 (nothing listens on another address)
  pg_hba:
    - local all all trust
    - host replication all 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$(cluster_pg_port "$i")
  connect_address: 127.0.0.1:$(cluster_pg_port "$i")
  data_dir: $dir/$name
  bin_dir: $PGBIN
  pgpass: $dir/$name.pgpass
  authentication:
    superuser:
      username: postgres
    replication:
      username: postgres
    rewind:
      username: postgres
  parameters:
    unix_socket_directories: $dir
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
EOF
}

cluster_haproxy_cfg() {
  local base; base=$(cluster_base)
  local n=${GRIDMAP_CLUSTER_SERVICES:-2}
  cat <<EOF
global
  maxconn 2000
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
  default-server inter 1s fall 2 rise 1
listen stats
  mode http
  bind 127.0.0.1:$((base + 3))
  stats enable
  stats uri /
listen db-primary
  bind 127.0.0.1:$((base + 1))
  option httpchk GET /primary
  http-check expect status 200
EOF
  # (a node that stops being primary, or a replica, has its sessions cut: clients reconnect to the right one)
  for i in 1 2 3; do echo "  server pg$i 127.0.0.1:$(cluster_pg_port $i) check port $(cluster_rest_port $i) on-marked-down shutdown-sessions"; done
  cat <<EOF
listen db-replicas
  bind 127.0.0.1:$((base + 2))
  balance roundrobin
  option httpchk GET /replica?lag=16MB
  http-check expect status 200
EOF
  # (a node that stops being primary, or a replica, has its sessions cut: clients reconnect to the right one)
  for i in 1 2 3; do echo "  server pg$i 127.0.0.1:$(cluster_pg_port $i) check port $(cluster_rest_port $i) on-marked-down shutdown-sessions"; done
  # no replica at all (two nodes down): the reads go to the primary
  cat <<EOF
  server primary 127.0.0.1:$((base + 1)) backup
frontend web
  mode http
  bind 127.0.0.1:$base
  option forwardfor
  default_backend services
backend services
  mode http
  balance roundrobin
  option httpchk GET /q/health/ready
  http-check expect status 200
  # the client's keep-alive connection is haproxy's, the service's closes after each response: a replica that dies
  # takes no idle client connection with it
  option http-server-close
  # a request a dead replica refused before any byte was sent goes to another one
  retries 2
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
  timeout server 10m
EOF
  for i in $(seq 1 "$n"); do echo "  server s$i 127.0.0.1:$(cluster_service_port "$i") check"; done
}

cluster_service_start() { # index
  local i=$1 dir; dir=$(cluster_dir)
  local base; base=$(cluster_base)
  cluster_running "$dir/service$i.pid" && return 0
  # (not cluster_spawn: the service runs as the caller, not as postgres)
  GRIDMAP_PORT=$(cluster_service_port "$i") \
  GRIDMAP_DB_URL="jdbc:postgresql://127.0.0.1:$((base + 1))/gridmap" \
  GRIDMAP_DB_READ_URL="jdbc:postgresql://127.0.0.1:$((base + 2))/gridmap" \
  GRIDMAP_DB_USER=postgres \
  QUARKUS_DATASOURCE_JDBC_VALIDATE_ON_BORROW=true QUARKUS_DATASOURCE_OWNER_JDBC_VALIDATE_ON_BORROW=true \
  QUARKUS_DATASOURCE_READ_JDBC_VALIDATE_ON_BORROW=true \
    setsid java ${GRIDMAP_JAVA_OPTS:--Xmx3g} -jar "$ROOT/$JAR" >>"$dir/service$i.log" 2>&1 < /dev/null &
  echo $! > "$dir/service$i.pid"
}

cluster_node_in_service() {
  curl -fs "http://127.0.0.1:$(cluster_rest_port "$1")/primary" >/dev/null 2>&1 || curl -fs "http://127.0.0.1:$(cluster_rest_port "$1")/replica" >/dev/null 2>&1
}

cluster_is_primary() { [ "$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -qAtc "SELECT NOT pg_is_in_recovery()" 2>/dev/null)" = t ]; }

cluster_service_ready() { curl -fs "http://127.0.0.1:$(cluster_service_port "$1")/q/health/ready" >/dev/null; }

cmd_cluster() {
  case "${1:-}" in
    up) shift; cluster_up "$@" ;;
    down) shift; cluster_down ;;
    status) shift; cluster_status ;;
    kill-primary) shift; cluster_kill_primary ;;
    *) die "usage: ./gridmap cluster up|down|status|kill-primary" ;;
  esac
}

cluster_up() {
  need_tools
  need_packages "postgresql-$PG_VERSION" "postgresql-$PG_VERSION-postgis-3" patroni etcd-server haproxy curl
  web_deps
  build_if_needed
  personal_key
  local dir base n; dir=$(cluster_dir); base=$(cluster_base); n=${GRIDMAP_CLUSTER_SERVICES:-2}
  local t0; t0=$(date +%s)
  if ! cluster_running "$dir/etcd.pid"; then
    mkdir -p "$dir/etcd"; [ $IS_ROOT = 1 ] && chown postgres: "$dir/etcd"
    cluster_spawn "$dir/etcd.pid" "$dir/etcd.log" etcd --name e1 --data-dir "$dir/etcd" \
      --listen-client-urls "http://127.0.0.1:$((base + 5))" --advertise-client-urls "http://127.0.0.1:$((base + 5))" \
      --listen-peer-urls "http://127.0.0.1:$((base + 6))" --initial-advertise-peer-urls "http://127.0.0.1:$((base + 6))" \
      --initial-cluster "e1=http://127.0.0.1:$((base + 6))" --initial-cluster-state new
    cluster_wait 20 etcd curl -fs "http://127.0.0.1:$((base + 5))/health"
  fi
  for i in 1 2 3; do
    cluster_patroni_yml "$i" "$dir" > "$dir/pg$i.yml"
    [ $IS_ROOT = 1 ] && chown postgres: "$dir/pg$i.yml"
    cluster_running "$dir/patroni$i.pid" || cluster_spawn "$dir/patroni$i.pid" "$dir/patroni$i.log" patroni "$dir/pg$i.yml"
    # the first node bootstraps (initdb) before the others clone from it
    [ "$i" = 1 ] && cluster_wait 90 "the first PostgreSQL node" curl -fs "http://127.0.0.1:$(cluster_rest_port 1)/health"
  done
  cluster_haproxy_cfg > "$dir/haproxy.cfg"
  if cluster_running "$dir/haproxy.pid"; then kill -USR2 "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
  else
    haproxy -W -f "$dir/haproxy.cfg" >>"$dir/haproxy.log" 2>&1 < /dev/null &
    echo $! > "$dir/haproxy.pid"
  fi
  # (haproxy takes its servers as up until the first checks: two check intervals before the first call)
  sleep 2.5
  cluster_wait 60 "the database primary behind haproxy" cluster_is_primary $((base + 1))
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p $((base + 1)) -U postgres -d postgres -qAtc "SELECT 1 FROM pg_database WHERE datname='gridmap'" | grep -q 1 \
    || as_pg "$PGBIN/createdb" -h 127.0.0.1 -p $((base + 1)) -U postgres gridmap
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p $((base + 1)) -U postgres -d gridmap -qc "SET client_min_messages=warning; CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  # every node running, as the primary or as a streaming replica (after a failover the old primary rejoins as a replica)
  for i in 1 2 3; do cluster_wait 180 "node pg$i" cluster_node_in_service "$i"; done
  say "database: primary and 2 streaming replicas up in $(( $(date +%s) - t0 )) s (Patroni $(patroni --version 2>/dev/null | awk '{print $2}'), etcd, haproxy)"
  # the first service replica migrates and (on an empty database) loads the city; the others start when it is ready
  cluster_service_start 1
  cluster_wait "${GRIDMAP_CLUSTER_START_TIMEOUT:-900}" "service replica s1 (see $dir/service1.log)" cluster_service_ready 1
  for i in $(seq 2 "$n"); do cluster_service_start "$i"; done
  for i in $(seq 2 "$n"); do cluster_wait 300 "service replica s$i" cluster_service_ready "$i"; done
  cluster_wait 10 "haproxy" curl -fs "http://127.0.0.1:$base/q/health/ready"
  say "cluster up in $(( $(date +%s) - t0 )) s: open http://127.0.0.1:$base/  (stop with ./gridmap cluster down; ./gridmap cluster status)"
  echo "http://127.0.0.1:$base/"
}

cluster_down() {
  local dir; dir=$(cluster_dir)
  local f
  for f in "$dir"/service*.pid; do
    [ -f "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$dir"/service*.pid; do
    [ -f "$f" ] || continue
    for _ in $(seq 1 60); do kill -0 "$(cat "$f")" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$(cat "$f")" 2>/dev/null || true; rm -f "$f"
  done
  [ -f "$dir/haproxy.pid" ] && { kill -TERM "$(cat "$dir/haproxy.pid")" 2>/dev/null || true; rm -f "$dir/haproxy.pid"; }
  for i in 1 2 3; do
    f=$dir/patroni$i.pid
    [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  for i in 1 2 3; do
    f=$dir/patroni$i.pid
    [ -f "$f" ] || continue
    for _ in $(seq 1 60); do kill -0 "$(cat "$f")" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$(cat "$f")" 2>/dev/null || true; rm -f "$f"
    # a postmaster left behind by a killed Patroni
    [ -f "$dir/pg$i/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$dir/pg$i" -m immediate -w stop >/dev/null 2>&1 || true
  done
  [ -f "$dir/etcd.pid" ] && { kill -TERM "$(cat "$dir/etcd.pid")" 2>/dev/null || true; rm -f "$dir/etcd.pid"; }
  say "cluster stopped (its data stays in $dir; remove that folder for a fresh cluster)"
}

# who is primary (pid=N), each replica (lag), each service replica's lookup index version and tile-cache epoch
cluster_status() {
  local dir base n; dir=$(cluster_dir); base=$(cluster_base); n=${GRIDMAP_CLUSTER_SERVICES:-2}
  local i primary_port=""
  for i in 1 2 3; do
    curl -fs --max-time 2 "http://127.0.0.1:$(cluster_rest_port "$i")/primary" >/dev/null 2>&1 && primary_port=$(cluster_pg_port "$i")
  done
  for i in 1 2 3; do
    local js role state pid
    js=$(curl -s --max-time 2 "http://127.0.0.1:$(cluster_rest_port "$i")/patroni" || true)
    if [ -z "$js" ]; then echo "pg$i  down  port=$(cluster_pg_port "$i")"; continue; fi
    role=$(printf '%s' "$js" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("role","?"))')
    state=$(printf '%s' "$js" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("state","?"))')
    pid=$(head -1 "$dir/pg$i/postmaster.pid" 2>/dev/null || echo '?')
    if [ "$role" = master ] || [ "$role" = primary ]; then
      echo "pg$i  primary  pid=$pid  port=$(cluster_pg_port "$i")  $state"
    else
      # the lag as the primary sees it: WAL bytes not yet replayed, and the time of the last replayed commit's wait
      local lag=""
      [ -n "$primary_port" ] && lag=$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -d postgres -qAtc \
        "SELECT sync_state || ', lag ' || pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) || ' bytes, '
                || COALESCE(round(extract(epoch FROM replay_lag) * 1000, 1) || ' ms', '0 ms')
           FROM pg_stat_replication WHERE application_name = 'pg$i'" 2>/dev/null || true)
      echo "pg$i  replica  pid=$pid  port=$(cluster_pg_port "$i")  $state  ${lag:-not streaming}"
    fi
  done
  for i in $(seq 1 "$n"); do
    local h; h=$(curl -s --max-time 2 "http://127.0.0.1:$(cluster_service_port "$i")/q/health/ready" || true)
    if [ -z "$h" ]; then echo "s$i  down  port=$(cluster_service_port "$i")"; continue; fi
    printf '%s' "$h" | /usr/bin/python3 -c '
import json, sys
h = json.load(sys.stdin)
data = {c["name"]: c.get("data", {}) for c in h.get("checks", [])}
print("s%s  service  pid=%s  port=%s  %s  index version=%s  tile epoch=%s" % (sys.argv[1], sys.argv[2], sys.argv[3], h.get("status"),
      data.get("lookup-index", {}).get("version", "?"), data.get("tile-cache", {}).get("epoch", "?")))' \
      "$i" "$(cat "$dir/service$i.pid" 2>/dev/null || echo '?')" "$(cluster_service_port "$i")"
  done
  echo "url  http://127.0.0.1:$base/  (haproxy statistics: http://127.0.0.1:$((base + 3))/)"
}

# kill -9 the database primary's node (its Patroni and its postmaster): what a machine lost looks like
cluster_kill_primary() {
  local dir; dir=$(cluster_dir)
  local i
  for i in 1 2 3; do
    if curl -fs --max-time 2 "http://127.0.0.1:$(cluster_rest_port "$i")/primary" >/dev/null; then
      local pm pt; pm=$(head -1 "$dir/pg$i/postmaster.pid" 2>/dev/null || true); pt=$(cat "$dir/patroni$i.pid")
      # Patroni, its postmaster and every backend at once (the process group Patroni leads), then anything left of PostgreSQL
      kill -KILL -- "-$pt" 2>/dev/null || kill -KILL "$pt" 2>/dev/null || true
      [ -n "$pm" ] && pkill -KILL -P "$pm" 2>/dev/null; [ -n "$pm" ] && kill -KILL "$pm" 2>/dev/null || true
      say "killed pg$i (Patroni pid $pt, postmaster pid $pm)"
      return 0
    fi
  done
  die "no primary to kill"
}
