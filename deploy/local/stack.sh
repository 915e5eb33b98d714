#!/usr/bin/env bash
# The local stack Ferry talks to, on loopback, without Docker.
#
#   stack.sh prereqs  etcd and chromium installed; PostgreSQL on 127.0.0.1:5432 and MariaDB on 127.0.0.1:3306 answering,
#                     each with a database "test" (installs and starts them from Debian's packages when needed).
#                     Quiet on success: one line. The test command runs this before "mvn verify".
#   stack.sh up       prereqs, then etcd on 127.0.0.1:2379 and a KRaft Kafka broker on 127.0.0.1:9092
#                     (controller 9093), data and pid files under .ferry/local/. Reuses servers already answering.
#   stack.sh down     stops only the processes whose pid files "up" wrote.
#   stack.sh status   says what answers where.
#
# Every step is idempotent. Servers this script did not start are never stopped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="$root/.ferry/local"

ETCD_PORT=2379
ETCD_PEER_PORT=2380
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
PG_PORT=5432
MYSQL_PORT=3306
MARIADBD=/usr/sbin/mariadbd

say() { echo "stack: $*"; }
warn() { echo "stack: $*" >&2; }
die() { echo "stack: $*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) == 0 ]]; then "$@"; else sudo -n "$@" || die "needs root for: $* (run as root, or allow sudo without a password)"; fi
}

apt_install() {
  warn "installing $* from Debian's packages..."
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# wait_for <what> <seconds> <command...>: polls the command every 0.2 s until it succeeds.
wait_for() {
  local what=$1 limit=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.2
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
etcd_answers() { curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
pg_answers() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w -tAc 'select 1' 2>/dev/null | grep -q 1; }
pg_listens() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
mysql_answers() { mariadb -h 127.0.0.1 -P "$MYSQL_PORT" -u root --connect-timeout=3 -Nse 'select 1' 2>/dev/null | grep -q 1; }

# ---------------------------------------------------------------- prereqs

ensure_etcd_installed() {
  if ! command -v etcd >/dev/null 2>&1; then
    apt_install etcd-server etcd-client
  fi
  command -v etcd >/dev/null 2>&1 || die "etcd is still not on PATH after installing etcd-server"
}

# The HTML report and status page are checked in headless Chromium by the tests.
ensure_chromium_installed() {
  if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium
  fi
  command -v chromium >/dev/null 2>&1 || die "chromium is still not on PATH after installing it"
}

ensure_postgres() {
  if ! pg_answers; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
      apt_install postgresql
    fi
    local ver
    ver=$(ls /etc/postgresql | sort -V | tail -n 1)
    if ! pg_listens; then
      warn "starting PostgreSQL $ver..."
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
      wait_for "PostgreSQL" 60 pg_listens || die "PostgreSQL $ver did not start on 127.0.0.1:$PG_PORT; see /var/log/postgresql/postgresql-$ver-main.log"
    fi
    if ! pg_answers; then
      # A fresh Debian cluster asks for passwords over TCP; the tests connect as postgres without one.
      local hba="/etc/postgresql/$ver/main/pg_hba.conf"
      warn "allowing trust authentication from 127.0.0.1 in $hba..."
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
      wait_for "PostgreSQL" 30 pg_answers || die "PostgreSQL answers on 127.0.0.1:$PG_PORT but not to user postgres without a password; check $hba"
    fi
  fi
  if [[ -z "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w -tAc "select 1 from pg_database where datname = 'test'")" ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w -qc 'CREATE DATABASE test' >/dev/null
  fi
}

ensure_mariadb() {
  if ! mysql_answers; then
    if [[ ! -x $MARIADBD ]]; then
      apt_install mariadb-server
    fi
    if ! port_open "$MYSQL_PORT"; then
      warn "starting MariaDB..."
      # The systemd unit would create the socket directory; without systemd we must.
      as_root install -d -o mysql -g mysql /run/mysqld
      as_root start-stop-daemon --start --oknodo --background --exec "$MARIADBD"
      wait_for "MariaDB" 60 port_open "$MYSQL_PORT" || die "MariaDB did not start on 127.0.0.1:$MYSQL_PORT; see /var/log/mysql/error.log"
    fi
    if ! mysql_answers; then
      # Debian's root@localhost authenticates by unix socket only; the tests connect over TCP without a password.
      warn "allowing root without a password from 127.0.0.1..."
      as_root mariadb -u root -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
        GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
        ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
        FLUSH PRIVILEGES;"
      wait_for "MariaDB" 30 mysql_answers || die "MariaDB answers on 127.0.0.1:$MYSQL_PORT but not to root without a password"
    fi
  fi
  mariadb -h 127.0.0.1 -P "$MYSQL_PORT" -u root -e 'CREATE DATABASE IF NOT EXISTS test'
}

# The rollback path (ferry reverse) reads PostgreSQL's changes by logical decoding, which needs
# wal_level=logical; the setting takes effect only at a server start, so a first run restarts it once.
ensure_postgres_logical() {
  [[ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w -tAc 'show wal_level')" == logical ]] && return
  local ver
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  warn "setting wal_level=logical on PostgreSQL $ver (restarts it once)..."
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w -qc 'ALTER SYSTEM SET wal_level = logical' >/dev/null
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
  wait_for "PostgreSQL" 60 pg_answers || die "PostgreSQL $ver did not come back after setting wal_level=logical; see /var/log/postgresql/postgresql-$ver-main.log"
}

# ... and MariaDB's changes from a row-based binlog with full row images. log_bin, too, is read
# only at start: the settings go into my.cnf (so every later start keeps them) and MariaDB restarts once.
ensure_mariadb_binlog() {
  [[ "$(mariadb -h 127.0.0.1 -P "$MYSQL_PORT" -u root -Nse 'select @@log_bin')" == 1 ]] && return
  local cnf=/etc/mysql/my.cnf
  if ! grep -q '^# ferry: row-based binlog' "$cnf"; then
    warn "enabling a row-based binlog in $cnf (restarts MariaDB once)..."
    printf '\n# ferry: row-based binlog for the rollback path (deploy/local/stack.sh)\n[mysqld]\nlog-bin = mysql-bin\nbinlog-format = ROW\nbinlog-row-image = FULL\nserver-id = 1\nexpire-logs-days = 2\n' | as_root tee -a "$cnf" >/dev/null
  fi
  mariadb -h 127.0.0.1 -P "$MYSQL_PORT" -u root -e 'SHUTDOWN' || true
  # start-stop-daemon would find the old process still shutting down and start nothing.
  wait_for "MariaDB to stop" 120 bash -c '! pgrep -x mariadbd'
  as_root install -d -o mysql -g mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec "$MARIADBD"
  wait_for "MariaDB" 60 mysql_answers || die "MariaDB did not come back with a binlog; see /var/log/mysql/error.log"
  [[ "$(mariadb -h 127.0.0.1 -P "$MYSQL_PORT" -u root -Nse 'select @@log_bin')" == 1 ]] || die "MariaDB started without a binlog; check [mysqld] log-bin in $cnf"
}

prereqs() {
  ensure_etcd_installed
  ensure_chromium_installed
  ensure_postgres
  ensure_postgres_logical
  ensure_mariadb
  ensure_mariadb_binlog
  say "prereqs ok: etcd $(etcd --version 2>/dev/null | awk '/etcd Version/ {print $3}') installed; PostgreSQL on 127.0.0.1:$PG_PORT; MariaDB on 127.0.0.1:$MYSQL_PORT"
}

# ---------------------------------------------------------------- processes we own

# ours <name> <cmdline pattern>: true when <name>.pid names a live process whose command line matches.
ours() {
  local pidfile="$state/$1.pid"
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(cat "$pidfile")
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

stop_ours() {
  local name=$1 pattern=$2 pidfile="$state/$1.pid"
  if ! ours "$name" "$pattern"; then
    [[ -f $pidfile ]] && rm -f "$pidfile" && say "$name: its pid file was stale; removed it"
    say "$name: not running from this script; left alone"
    return 0
  fi
  local pid
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  if ! wait_for "$name to stop" 60 bash -c "! kill -0 $pid"; then
    warn "$name (pid $pid) did not stop within 60 s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  say "$name: stopped (pid $pid)"
}

start_etcd() {
  if etcd_answers; then
    local how="not started by this script"
    ours etcd "ferry-local" && how="pid $(cat "$state/etcd.pid")"
    say "etcd: http://127.0.0.1:$ETCD_PORT already answers ($how); reusing it"
    return 0
  fi
  port_open "$ETCD_PORT" && die "port $ETCD_PORT is taken by something that is not a healthy etcd"
  mkdir -p "$state/etcd"
  local client="http://127.0.0.1:$ETCD_PORT" peer="http://127.0.0.1:$ETCD_PEER_PORT"
  # setsid: the server must outlive this shell and not get its terminal's signals.
  setsid etcd --name ferry-local --data-dir "$state/etcd" \
    --listen-client-urls "$client" --advertise-client-urls "$client" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "ferry-local=$peer" --logger zap >>"$state/etcd.log" 2>&1 </dev/null &
  echo $! >"$state/etcd.pid"
  wait_for etcd 30 etcd_answers || { tail -n 30 "$state/etcd.log" >&2; die "etcd did not answer on $client within 30 s; log: $state/etcd.log"; }
  say "etcd: $client (pid $(cat "$state/etcd.pid"), data $state/etcd, log $state/etcd.log)"
}

# kafka_libs: prints the directory holding the broker's jars (and only that: callers capture it).
kafka_libs() {
  local libs="$state/kafka-libs"
  if [[ ! -f "$libs/.complete" ]]; then
    warn "kafka: copying the broker jars from Maven Central into $libs (first run only)..."
    rm -rf "$libs"
    mvn -B -q -ntp -Dstyle.color=never -f "$here/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$libs" -DincludeScope=runtime >&2 || die "could not fetch the Kafka jars with Maven; is Maven Central reachable?"
    touch "$libs/.complete"
  fi
  echo "$libs"
}

write_kafka_config() {
  local dir=$1
  cat >"$dir/server.properties" <<EOF
# Written by deploy/local/stack.sh: a single-node KRaft broker (broker and controller in one process),
# with Apache's defaults (topic auto-creation on, 1 MiB records) apart from addresses and the single
# node's one replica of each internal topic: Ferry creates and checks its own topics.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
EOF
  cat >"$dir/logback.xml" <<EOF
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$state/kafka.log</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <logger name="kafka.request.logger" level="WARN"/>
  <logger name="state.change.logger" level="WARN"/>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
EOF
  cat >"$dir/log4j2.xml" <<EOF
<Configuration status="WARN">
  <Appenders><File name="FILE" fileName="$state/kafka.log"><PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c - %m%n"/></File></Appenders>
  <Loggers><Root level="WARN"><AppenderRef ref="FILE"/></Root></Loggers>
</Configuration>
EOF
}

# kafka_java <dir> <libs>: sets kafka_cmd to the java command line that runs a Kafka main class.
kafka_java() {
  local dir=$1 libs=$2
  kafka_cmd=(java -Xms64m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlogback.configurationFile="$dir/logback.xml" -Dlog4j2.configurationFile="$dir/log4j2.xml" \
    -cp "$libs/*")
}

start_kafka() {
  if port_open "$KAFKA_PORT"; then
    local how="not started by this script"
    ours kafka "kafka.Kafka" && how="pid $(cat "$state/kafka.pid")"
    say "kafka: 127.0.0.1:$KAFKA_PORT already answers ($how); reusing it"
    return 0
  fi
  local dir="$state/kafka" libs
  libs=$(kafka_libs)
  mkdir -p "$dir"
  write_kafka_config "$dir"
  kafka_java "$dir" "$libs"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local cluster_id
    cluster_id=$("${kafka_cmd[@]}" kafka.tools.StorageTool random-uuid 2>>"$state/kafka.log" | tail -n 1) \
      || die "could not make a Kafka cluster id with $libs; log: $state/kafka.log"
    "${kafka_cmd[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >>"$state/kafka.log" 2>&1 \
      || { tail -n 30 "$state/kafka.log" >&2; die "formatting $dir/data failed; log: $state/kafka.log"; }
  fi
  setsid "${kafka_cmd[@]}" kafka.Kafka "$dir/server.properties" >>"$state/kafka.log" 2>&1 </dev/null &
  echo $! >"$state/kafka.pid"
  wait_for kafka 90 port_open "$KAFKA_PORT" \
    || { tail -n 30 "$state/kafka.log" >&2; die "Kafka did not answer on 127.0.0.1:$KAFKA_PORT within 90 s; log: $state/kafka.log"; }
  say "kafka: 127.0.0.1:$KAFKA_PORT (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT, pid $(cat "$state/kafka.pid"), data $dir/data, log $state/kafka.log)"
}

# ---------------------------------------------------------------- commands

status() {
  local etcd_s kafka_s pg_s my_s
  etcd_s=$(etcd_answers && echo "answers" || echo "not answering")
  ours etcd "ferry-local" && etcd_s+=" (started by stack.sh, pid $(cat "$state/etcd.pid"))"
  kafka_s=$(port_open "$KAFKA_PORT" && echo "answers" || echo "not answering")
  ours kafka "kafka.Kafka" && kafka_s+=" (started by stack.sh, pid $(cat "$state/kafka.pid"))"
  pg_s=$(pg_answers && echo "answers (user postgres)" || echo "not answering")
  my_s=$(mysql_answers && echo "answers (user root)" || echo "not answering")
  echo "etcd        http://127.0.0.1:$ETCD_PORT  $etcd_s"
  echo "kafka       127.0.0.1:$KAFKA_PORT         $kafka_s"
  echo "postgresql  127.0.0.1:$PG_PORT         $pg_s"
  echo "mariadb     127.0.0.1:$MYSQL_PORT         $my_s"
}

case "${1:-}" in
  prereqs) prereqs ;;
  up)
    prereqs
    mkdir -p "$state"
    start_etcd
    start_kafka
    say "postgresql: jdbc:postgresql://127.0.0.1:$PG_PORT/test (user postgres, no password)"
    say "mariadb: jdbc:mysql://127.0.0.1:$MYSQL_PORT/test (user root, no password)"
    ;;
  down)
    stop_ours kafka "kafka.Kafka"
    stop_ours etcd "ferry-local"
    ;;
  status) status ;;
  *)
    echo "usage: $0 up|down|status|prereqs" >&2
    exit 2
    ;;
esac
