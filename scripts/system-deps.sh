#!/usr/bin/env bash
# Debian packages and local services the test suite uses; idempotent, quiet when all is present.
set -euo pipefail
need=()
command -v catdoc >/dev/null 2>&1 || need+=(catdoc)
command -v antiword >/dev/null 2>&1 || need+=(antiword)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# PostgreSQL on loopback: start it when it is down.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
  ver=$(ls /etc/postgresql | head -n1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
fi
