#!/usr/bin/env bash
# Makes sure the local PostgreSQL the tests use is running and accepts
# postgres/postgres on 127.0.0.1:5432 (trust auth also works: the password
# is then ignored). Only for test machines.
set -euo pipefail
log() { printf '\033[1m[postgres]\033[0m %s\n' "$*"; }
SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$version" ]; then
    echo "[postgres] PostgreSQL n'est pas installé : lancez scripts/setup.sh" >&2
    exit 1
  fi
  if ! pg_lsclusters -h | grep -q "^$version main"; then
    log "creating cluster $version/main"
    $SUDO pg_createcluster "$version" main
  fi
  log "starting cluster $version/main"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  log "setting the test password of role postgres"
  $SUDO runuser -u postgres -- psql -q -c "ALTER USER postgres PASSWORD 'postgres'"
fi
# The TLS tests need the server to offer TLS (Debian turns it on with its
# self-signed "snakeoil" certificate; make sure of it where it is off).
if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SHOW ssl' 2>/dev/null)" != "on" ]; then
  if [ ! -f /etc/ssl/private/ssl-cert-snakeoil.key ]; then
    log "creating a self-signed certificate for TLS tests"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends ssl-cert
    $SUDO make-ssl-cert generate-default-snakeoil
    $SUDO adduser -q postgres ssl-cert || true
  fi
  log "turning TLS on"
  $SUDO runuser -u postgres -- psql -q -c "ALTER SYSTEM SET ssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'" \
    -c "ALTER SYSTEM SET ssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'" -c "ALTER SYSTEM SET ssl = on" \
    -c "SELECT pg_reload_conf()"
fi
# Server settings are read and changed as the postgres system user (peer
# authentication on the local socket), whatever the TCP rules say.
as_pg() { $SUDO runuser -u postgres -- psql -X -q -d postgres -tA "$@"; }
# Portée's staff roles sign in with their own password (issue 9): the
# server asks members of portee_staff for it (SCRAM), whatever else this
# test server trusts. These lines go first in pg_hba.conf.
hba=$(as_pg -c 'SHOW hba_file')
if ! $SUDO grep -q '^# portee: staff roles' "$hba"; then
  log "asking Portée's staff roles for their password (pg_hba.conf)"
  tmp=$(mktemp)
  {
    echo "# portee: staff roles sign in with their password (scripts/start-postgres.sh)"
    echo "local all +portee_staff scram-sha-256"
    echo "host all +portee_staff 127.0.0.1/32 scram-sha-256"
    echo "host all +portee_staff ::1/128 scram-sha-256"
    echo "host all portee_connexion 127.0.0.1/32 trust"
    echo "host all portee_connexion ::1/128 trust"
    $SUDO cat "$hba"
  } > "$tmp"
  $SUDO cp "$tmp" "$hba"
  rm -f "$tmp"
  as_pg -c 'SELECT pg_reload_conf()' >/dev/null
fi
# auth_delay: every refused password waits, so a direct connection cannot
# try passwords quickly (the app's own lock-out is in the database). It
# needs a restart, once.
if ! as_pg -c 'SHOW shared_preload_libraries' | grep -q auth_delay; then
  log "loading auth_delay (restart)"
  current=$(as_pg -c 'SHOW shared_preload_libraries')
  libs="auth_delay${current:+,$current}"
  as_pg -c "ALTER SYSTEM SET shared_preload_libraries = '$libs'"
  data=$(as_pg -c 'SHOW data_directory')
  cluster=$(pg_lsclusters -h | awk -v d="$data" '$6 == d { print $1 " " $2 }' | head -1)
  if [ -n "$cluster" ]; then
    # shellcheck disable=SC2086
    $SUDO pg_ctlcluster --skip-systemctl-redirect $cluster restart
  else
    $SUDO runuser -u postgres -- pg_ctl -D "$data" restart -w >/dev/null
  fi
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
# (Known once the library is loaded.)
if [ "$(as_pg -c 'SHOW auth_delay.milliseconds')" = "0" ]; then
  as_pg -c "ALTER SYSTEM SET auth_delay.milliseconds = '300'" -c "SELECT pg_reload_conf()" >/dev/null
fi
log "ready on 127.0.0.1:5432"
