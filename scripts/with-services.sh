#!/usr/bin/env bash
# Runs a command against the real parts: PostgreSQL and an S3 server (SeaweedFS) on loopback in
# a temporary folder, with DATABASE_URL and S3_* exported; headless Chromium installed and named
# in CHROMIUM. Installs what is missing, and stops the services again however the command ends.
# Usage: scripts/with-services.sh COMMAND [ARGS...]   (the venv must exist: scripts/venv.sh test)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

# --- System packages: PostgreSQL 15+, Chromium, Pango, from Debian's packages when missing. -
find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)" && return 0
  return 1
}
find_chromium() {
  local candidate
  for candidate in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && { command -v "$candidate"; return 0; }
  done
  return 1
}

missing=()
find_pg_bin >/dev/null || missing+=(postgresql)
find_chromium >/dev/null || missing+=(chromium)
# WeasyPrint (the safety card's PDF) needs Pango; `make demo` without it answers a Dutch message.
has_library() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -F "$1" >/dev/null; }  # not grep -q: an early exit fails the pipe under pipefail
has_library libpango-1.0.so.0 || missing+=(libpango-1.0-0)
has_library libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation fonts-dejavu-core >/dev/null
  else
    echo "The tests need these system packages: ${missing[*]}." >&2
    echo "Install them (Debian: sudo apt-get install ${missing[*]}) or run this command as root." >&2
    exit 1
  fi
fi
pg_bin="$(find_pg_bin)"
export CHROMIUM="$(find_chromium)"

# --- A throwaway folder, and the services in it. ---------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/basisjeugdhulp-test.XXXXXX")"
chmod 755 "$work"
weed_started=""
pg_started=""
run_as_pg=()
cleanup() {
  local rc=$?
  if [ -n "$weed_started" ]; then
    "$work/s3-control.sh" stop || true
  fi
  if [ -n "$pg_started" ]; then
    "${run_as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r pg_port s3_port master_port master_grpc volume_port volume_grpc filer_port filer_grpc s3_grpc < <(
  .venv/bin/python - <<'PY'
import socket
held = []
for _ in range(9):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
)

# PostgreSQL refuses to run as root: run the throwaway cluster as an unprivileged user.
mkdir -p "$work/pg"
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$work/pg"
  run_as_pg=(runuser -u nobody --)
fi
"${run_as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$work/pg/initdb.log" 2>&1 || { cat "$work/pg/initdb.log" >&2; exit 1; }
# One script starts and stops it, so a fault test can stop the real server and start it again.
cat >"$work/pg-control.sh" <<SCRIPT
#!/usr/bin/env bash
# Usage: pg-control.sh start|stop — the throwaway PostgreSQL of this run.
set -euo pipefail
case "\$1" in
  start) ${run_as_pg[*]} "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \\
           -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start ;;
  stop)  ${run_as_pg[*]} "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w -t 60 stop ;;
esac
SCRIPT
chmod 755 "$work/pg-control.sh"
"$work/pg-control.sh" start >/dev/null || { cat "$work/pg/server.log" >&2; exit 1; }
pg_started=1
export TEST_PG_CONTROL="$work/pg-control.sh"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
# The role a deployment runs the application as: it owns nothing and, once `manage.py migrate`
# (as the owner) has granted its rights, may only INSERT and SELECT the access log
# (basisjeugdhulp/audit/database_roles.py). The suite itself runs as the owner, which creates
# its test database and empties tables between tests; tests/test_database_roles.py connects as
# this role to a database migrated the production way.
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAt \
  -c "CREATE ROLE register_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" >/dev/null
export TEST_APPLICATION_ROLE="register_app"

mkdir -p "$work/s3"
export S3_ACCESS_KEY_ID="register-test"
export S3_SECRET_ACCESS_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(20))')"
cat >"$work/s3.json" <<JSON
{"identities": [{"name": "register", "credentials": [{"accessKey": "$S3_ACCESS_KEY_ID",
  "secretKey": "$S3_SECRET_ACCESS_KEY"}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
# One script starts and stops it (its pid in weed.pid), so a fault test can stop the real S3
# server and start it again; the data stays in its folder.
cat >"$work/s3-control.sh" <<SCRIPT
#!/usr/bin/env bash
# Usage: s3-control.sh start|stop — the SeaweedFS S3 server of this run.
set -uo pipefail
pidfile="$work/weed.pid"
case "\$1" in
  start)
    (cd "$work/s3" && exec "$root/.venv/bin/weed" server -dir="$work/s3" -ip=127.0.0.1 -ip.bind=127.0.0.1 \\
      -master.port="$master_port" -master.port.grpc="$master_grpc" \\
      -volume.port="$volume_port" -volume.port.grpc="$volume_grpc" -volume.max=0 \\
      -master.volumeSizeLimitMB=64 \\
      -filer.port="$filer_port" -filer.port.grpc="$filer_grpc" \\
      -s3 -s3.port="$s3_port" -s3.port.grpc="$s3_grpc" -s3.port.iceberg=0 -s3.port.lance=0 \\
      -s3.config="$work/s3.json" >>"$work/s3.log" 2>&1) </dev/null &
    echo \$! >"\$pidfile"
    ;;
  stop)
    pid=\$(cat "\$pidfile" 2>/dev/null) || exit 0
    # SeaweedFS stops slowly on SIGTERM; give it a few seconds, then kill it.
    kill -TERM "\$pid" 2>/dev/null || exit 0
    for _ in \$(seq 1 50); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "\$pid" 2>/dev/null
    rm -f "\$pidfile"
    ;;
esac
exit 0
SCRIPT
chmod 755 "$work/s3-control.sh"
"$work/s3-control.sh" start
weed_started=1
export TEST_S3_CONTROL="$work/s3-control.sh"

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/register"
export S3_ENDPOINT_URL="http://127.0.0.1:$s3_port"
export S3_BUCKET="register-test"
export S3_REGION="us-east-1"
export REQUIRE_REAL_SERVICES=1
unset PRODUCTION DEBUG

# The bucket is provisioned like in production: once, outside the application.
if ! .venv/bin/python scripts/s3_bucket.py --wait 60; then
  echo "The S3 server did not come up; its log:" >&2
  tail -n 30 "$work/s3.log" >&2
  exit 1
fi
echo "S3 (SeaweedFS) on $S3_ENDPOINT_URL, bucket $S3_BUCKET"

set +e
"$@"
rc=$?
set -e
exit "$rc"
