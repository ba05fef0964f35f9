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
log "ready on 127.0.0.1:5432"
