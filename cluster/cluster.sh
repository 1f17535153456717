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
  # (errors only: haproxy.log says which request failed, on which server, and how)
  log stderr format raw daemon
defaults
  mode tcp
  log global
  option tcplog
  option dontlog-normal
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
  option httplog
  # an HTTP/1.1 client that offers to upgrade to cleartext HTTP/2 (Java's HttpClient does, by default) would have the
  # replica switch protocols and the connection become a tunnel to that one replica: its requests could no longer be
  # retried on another one, and a replica's death would cut them. The offer is declined here; HTTP/1.1 it stays.
  http-request del-header Upgrade if { req.hdr(Upgrade) -i h2c }
  http-request del-header HTTP2-Settings
  default_backend services
backend services
  mode http
  balance roundrobin
  option httpchk GET /q/health/ready
  http-check expect status 200
  # the client's keep-alive connection is haproxy's, and haproxy keeps its own idle connections to each replica: a
  # replica that dies takes no client connection with it, and a request it cut (or an idle connection of it that
  # haproxy reused) goes to another one
  option http-keep-alive
  retries 2
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
  timeout server 10m
EOF
  for i in $(seq 1 "$n"); do echo "  server s$i 127.0.0.1:$(cluster_service_port "$i") check"; done
}

# the pid of service replica i if it runs (a pid file left by a killed one may name another process by now)
cluster_service_pid() {
  local f; f="$(cluster_dir)/service$1.pid"
  [ -f "$f" ] || return 1
  local pid; pid=$(cat "$f")
  grep -qa "$JAR" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

# stop service replica i (TERM, then KILL after 30 s) and forget its pid
cluster_service_stop() {
  local pid; pid=$(cluster_service_pid "$1") || pid=
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(cluster_dir)/service$1.pid"
}

cluster_service_start() { # index
  local i=$1 dir; dir=$(cluster_dir)
  local base; base=$(cluster_base)
  cluster_service_pid "$i" >/dev/null && return 0
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
    local pid; pid=$(cluster_service_pid "$(basename "$f" .pid | sed 's/^service//')") && kill -TERM "$pid" 2>/dev/null || true
  done
  for f in "$dir"/service*.pid; do
    [ -f "$f" ] || continue
    cluster_service_stop "$(basename "$f" .pid | sed 's/^service//')"
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

# ---------------------------------------------------------------- ./gridmap bench cluster
# Lookup and tile throughput through haproxy with two and with one service replica, and straight to one replica (the
# baseline: what haproxy costs), each with the CPU the machine spent on it (so requests/s per core), the memory of a
# service replica holding the city, and the replicas' lag while a 12345 import writes. Its own cluster
# (GRIDMAP_CLUSTER_PORT, default 65400; its data stays for the next run), the full city unless GRIDMAP_SCALE says.
cpu_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_all_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }

# bench_wrk LABEL URL SCRIPT ENV… : a 5 s warm-up, 20 s measured; prints requests/s, p50, p99 and the CPU the machine
# spent outside wrk (the servers': service replicas, PostgreSQL, haproxy) per request
bench_wrk() {
  local label=$1 url=$2 script=$3 out; shift 3
  out=target/bench-cluster/$(printf '%s' "$label" | tr -c 'a-z0-9' '-').txt
  env "$@" wrk -t2 -c32 -d5s -s "$script" "$url" >/dev/null 2>&1 || true
  local b0 a0 b1 a1; b0=$(cpu_busy_ticks); a0=$(cpu_all_ticks)
  env "$@" /usr/bin/time -f '%U %S' -o "$out.time" wrk -t2 -c32 -d20s --latency -s "$script" "$url" > "$out" 2>&1 || true
  b1=$(cpu_busy_ticks); a1=$(cpu_all_ticks)
  local hz; hz=$(getconf CLK_TCK)
  awk -v label="$label" -v busy=$(( b1 - b0 )) -v all=$(( a1 - a0 )) -v hz="$hz" -v cores="$(nproc)" \
      -v wrkcpu="$(awk '{print $1 + $2}' "$out.time" 2>/dev/null || echo 0)" '
    /Requests\/sec/ {rps = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2} /requests in/ {n = $1}
    /Non-2xx/ {bad = $NF}
    END {
      server = busy / hz - wrkcpu; if (server < 0.001) server = 0.001
      printf "%-44s %8.0f/s  p50 %8s  p99 %8s  server CPU %5.2f cores  %6.0f req/s per core%s\n", label, rps, p50, p99,
        server / (all / hz / cores), n / server, bad ? "  (" bad " non-2xx)" : ""
      print rps > "'"$out"'.rps"; print n / server > "'"$out"'.percore"
    }' "$out"
}

cmd_bench_cluster() {
  need_packages wrk curl time "postgresql-client-$PG_VERSION"
  export GRIDMAP_CLUSTER_PORT=${GRIDMAP_CLUSTER_PORT:-65400} GRIDMAP_CLUSTER_SERVICES=2
  # the point is what a request costs, not the rate limit
  export GRIDMAP_SECURITY_SYSTEM_LOOKUPS_PER_MINUTE=1000000000 GRIDMAP_SECURITY_REQUESTS_PER_MINUTE=1000000000
  local base dir url; base=$(cluster_base); dir=$(cluster_dir); url=http://127.0.0.1:$base
  mkdir -p target/bench-cluster
  # services of an earlier cluster may run with the rate limits on: start them afresh
  local f; for f in "$dir"/service*.pid; do [ -f "$f" ] && cluster_service_stop "$(basename "$f" .pid | sed 's/^service//')"; done
  trap 'cluster_down >/dev/null 2>&1 || true' EXIT
  cluster_up > target/bench-cluster/up.log 2>&1 || { tail -5 target/bench-cluster/up.log >&2; die "cluster up failed (target/bench-cluster/up.log)"; }
  grep 'cluster up in\|database:' target/bench-cluster/up.log | sed 's/^gridmap: //'
  say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  local token; token=$(system_token "$url"); [ -n "$token" ] || die "no token for the bench client"
  local people; people=$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p $((base + 1)) -U postgres -d gridmap -qAtc "SELECT count(*) FROM person")
  local dbmb; dbmb=$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p $((base + 1)) -U postgres -d gridmap -qAtc "SELECT pg_database_size('gridmap') / 1048576")
  # the map's requests: composite tiles at zooms 12–16 over the city, 2,000 positions (seeded)
  awk 'BEGIN { srand(20261203); pi = atan2(0, -1)
    for (i = 0; i < 2000; i++) { z = 12 + int(rand() * 5); lon = 119.05 + rand() * 0.8; lat = 31.75 + rand() * 0.5
      n = 2 ^ z; x = int((lon + 180) / 360 * n); r = lat * pi / 180; y = int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n)
      layers = z <= 13 ? "district,street,community" : z <= 15 ? "community,grid" : "grid,microgrid"
      printf "/tiles/%s/%d/%d/%d.mvt\n", layers, z, x, y } }' > target/bench-cluster/tiles.txt
  local tiles; tiles=$ROOT/target/bench-cluster/tiles.txt
  # both replicas were just started: their JIT warms up on 30 s of each kind through haproxy before anything counts
  TOKEN="$token" wrk -t2 -c32 -d30s -s bench/point.lua "$url" >/dev/null 2>&1 || true
  TOKEN="$token" TILES="$tiles" wrk -t2 -c32 -d30s -s bench/tiles.lua "$url" >/dev/null 2>&1 || true
  say "throughput (wrk -t2 -c32, 30 s warm-up of each kind, then per line 5 s warm-up and 20 s measured; server CPU = the machine's busy time outside wrk)"
  bench_wrk "lookups, haproxy, 2 service replicas" "$url" bench/point.lua TOKEN="$token"
  bench_wrk "tiles, haproxy, 2 service replicas" "$url" bench/tiles.lua TOKEN="$token" TILES="$tiles"
  # a replica's memory: s2's (s1 may have loaded the city into the database, which leaves its heap larger), after a full GC
  local rss1 rss2 heap
  jcmd "$(cat "$dir/service2.pid")" GC.run >/dev/null 2>&1 || true
  rss1=$(ps -o rss= -p "$(cat "$dir/service1.pid")" | awk '{printf "%.0f", $1 / 1024}')
  rss2=$(ps -o rss= -p "$(cat "$dir/service2.pid")" | awk '{printf "%.0f", $1 / 1024}')
  # (G1's line: "garbage-first heap   total 1048576K, used 195920K [...]": kB committed and live)
  local committed
  read -r committed heap < <(jcmd "$(cat "$dir/service2.pid")" GC.heap_info 2>/dev/null | awk '/used/ && /total/ {
      for (i = 1; i <= NF; i++) { if ($i == "total") t = $(i + 1); if ($i == "used") u = $(i + 1) }
      gsub(/[^0-9]/, "", t); gsub(/[^0-9]/, "", u); print int(t / 1024), int(u / 1024); exit }') || true
  # one replica: s2 stops, haproxy's checks (every second, down after 2) take it out
  cluster_service_stop 2; sleep 3
  bench_wrk "lookups, haproxy, 1 service replica" "$url" bench/point.lua TOKEN="$token"
  bench_wrk "tiles, haproxy, 1 service replica" "$url" bench/tiles.lua TOKEN="$token" TILES="$tiles"
  bench_wrk "lookups, straight to the replica (baseline)" "http://127.0.0.1:$(cluster_service_port 1)" bench/point.lua TOKEN="$token"
  bench_wrk "tiles, straight to the replica (baseline)" "http://127.0.0.1:$(cluster_service_port 1)" bench/tiles.lua TOKEN="$token" TILES="$tiles"
  local o=target/bench-cluster
  awk -v l2="$(cat $o/lookups--haproxy--2-service-replicas.txt.rps)" -v l1="$(cat $o/lookups--haproxy--1-service-replica.txt.rps)" \
      -v ld="$(cat $o/lookups--straight-to-the-replica--baseline-.txt.rps)" \
      -v t2="$(cat $o/tiles--haproxy--2-service-replicas.txt.rps)" -v t1="$(cat $o/tiles--haproxy--1-service-replica.txt.rps)" \
      -v td="$(cat $o/tiles--straight-to-the-replica--baseline-.txt.rps)" 'BEGIN {
    if (l1 > 0 && ld > 0 && t1 > 0 && td > 0)
      printf "ratios: 2 replicas / 1 replica: lookups %.2fx, tiles %.2fx (2 cores: the replicas share them); through haproxy / straight: lookups %.2f, tiles %.2f\n", l2 / l1, t2 / t1, l1 / ld, t1 / td
    else print "ratios: a run gave no result (see target/bench-cluster/)" }'
  say "memory of a service replica holding the city ($people people): RSS s2 ${rss2} MB, its heap after a full GC ${heap:-?} MB live of ${committed:-?} MB committed (s1, which may have loaded the city: RSS ${rss1} MB)"
  # replica lag while a 12345 import writes: 20,000 orders at the city's real addresses, routed into the loop
  local orders=${GRIDMAP_BENCH_ORDERS:-20000}
  { echo '工单编号,来电时间,诉求人,电话,诉求内容,地址,诉求分类,紧急程度'
    as_pg "$PGBIN/psql" -h 127.0.0.1 -p $((base + 1)) -U postgres -d gridmap -qAt -F, -c \
      "SELECT 'HB$(date +%s)' || lpad(row_number() OVER ()::text, 6, '0'), to_char(now() - interval '1 hour', 'YYYY-MM-DD HH24:MI:SS'),
              '市民', '139' || lpad((row_number() OVER ())::text, 8, '0'), '垃圾堆积无人清运', '\"' || address || '\"', '0102', '一般'
         FROM (SELECT address FROM building ORDER BY md5(id::text) LIMIT $orders) b"
  } > $o/hotline.csv
  local t0 t1 maxb=0 maxms=0 line
  t0=$(date +%s.%N)
  curl -s -o $o/import.json -H "Authorization: Bearer $(user_token "$url")" -H 'Content-Type: text/csv' --data-binary @$o/hotline.csv \
    "$url/api/import?wait=true&kind=hotline" &
  local ip=$!
  while kill -0 $ip 2>/dev/null; do
    line=$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p $((base + 1)) -U postgres -d postgres -qAt -F' ' -c \
      "SELECT COALESCE(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0), COALESCE(max(extract(epoch FROM replay_lag) * 1000), 0)::int
         FROM pg_stat_replication" 2>/dev/null || echo "0 0")
    maxb=$(awk -v a="$maxb" -v b="${line% *}" 'BEGIN {print (b > a ? b : a)}'); maxms=$(awk -v a="$maxms" -v b="${line#* }" 'BEGIN {print (b > a ? b : a)}')
    sleep 0.2
  done
  t1=$(date +%s.%N)
  say "12345 import of $orders orders: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s ($(sed 's/.*"rowsStored":\([0-9]*\).*/\1/' $o/import.json) stored); replica lag at most $(awk -v b="$maxb" 'BEGIN {printf "%.1f", b / 1048576}') MB of WAL, ${maxms} ms (pg_stat_replication every 0.2 s)"
  # the capacity model: the measured requests per second per core, and the replica's memory
  local rate; rate=$(awk -v a="$t0" -v b="$t1" -v n="$orders" 'BEGIN {printf "%.0f", n / (b - a)}')
  awk -v lpc="$(cat $o/lookups--haproxy--2-service-replicas.txt.percore)" -v tpc="$(cat $o/tiles--haproxy--2-service-replicas.txt.percore)" \
      -v rss="$rss2" -v live="${heap:-0}" -v committed="${committed:-0}" -v people="$people" -v dbmb="$dbmb" -v rate="$rate" 'BEGIN {
    k = 85e6 / people
    printf "capacity model: %.0f lookups/s and %.0f tiles/s per core (service + PostgreSQL + haproxy, two replicas); a replica holds the city in %d MB RSS, %d MB of it live heap\n", lpc, tpc, rss, live
    printf "  Jiangsu (85 M people, %.0fx this city) at a peak of 2,000 lookups/s and 5,000 tiles/s needs %.1f cores for requests;\n", k, 2000 / lpc + 5000 / tpc
    printf "  the live heap (lookup index, tile cache) grows with the grids (~%.0fx): %.1f GB, so -Xmx%.0fg (G1 at half full) and about %.1f GB RSS a replica\n", k, live * k / 1024, live * k * 2 / 1024 + 0.5, (live * k * 2 + rss - committed) / 1024
    printf "  the database (this city: %.1f GB) grows with the people (~%.0fx): %.0f GB on each PostgreSQL node; the primary took %s orders/s of 12345 import here\n", dbmb / 1024, k, dbmb * k / 1024, rate
    # machines of 8 cores and 32 GB (an assumption): service replicas for the request CPU at 60 % busy, at least two
    # (one may die), one a machine; three PostgreSQL nodes (Patroni: a primary, a synchronous and an async standby)
    # with etcd beside them
    svc = int((2000 / lpc + 5000 / tpc) / (8 * 0.6)) + 1; if (svc < 2) svc = 2
    printf "  machines for the province, 8 cores and 32 GB each: %d for service replicas (%.1f GB of 32 each) + 3 for PostgreSQL and etcd (%.0f GB of data each) = %d\n", svc, (live * k * 2 + rss - committed) / 1024, dbmb * k / 1024, svc + 3 }'
  say "record the results in docs/benchmarks.md"
}
