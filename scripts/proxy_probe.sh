#!/usr/bin/env bash
# Slow clients against the service run as the image runs it, bare and behind deploy/nginx/nginx.conf.
# Installs Debian's nginx when missing, creates .venv, starts the image's command (gunicorn) on a local
# port and nginx in front of it (as this user, files under a temporary directory), then runs
# benchmarks.slowclients against both. Usage: scripts/proxy_probe.sh [--slow 64] [--seconds 60]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq nginx-light >/dev/null 2>&1 \
        || $sudo_ apt-get install -y -qq nginx >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
scripts/env.sh requirements-dev.txt
work="$(mktemp -d)"
app_port=18001
proxy_port=18080
cleanup() { kill "${app_pid:-}" 2>/dev/null || true; "$NGINX" -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sed -e "s#server slot-filler:8000;#server 127.0.0.1:${app_port};#" -e "s#listen 8080;#listen ${proxy_port};#" \
    -e "s#/tmp/#${work}/#g" -e "s#error_log /dev/stderr warn;#error_log ${work}/error.log warn;#" deploy/nginx/nginx.conf > "$work/nginx.conf"
"$NGINX" -t -q -p "$work" -c "$work/nginx.conf"
SLOT_BIND="127.0.0.1:${app_port}" SLOT_WORKERS=2 .venv/bin/gunicorn -c app/gunicorn.conf.py app.wsgi:app \
    >"$work/app.log" 2>&1 &
app_pid=$!
"$NGINX" -p "$work" -c "$work/nginx.conf"
for _ in $(seq 120); do curl -sf "http://127.0.0.1:${proxy_port}/readyz" >/dev/null && break; sleep 0.5; done
sleep 2
echo "bare gunicorn (the image's command):"
.venv/bin/python -m benchmarks.slowclients --url "http://127.0.0.1:${app_port}" "$@"
echo "behind nginx:"
.venv/bin/python -m benchmarks.slowclients --url "http://127.0.0.1:${proxy_port}" "$@"
echo "nginx's own errors:"
curl -s -o /dev/null -w "  %{http_code} %{content_type}\n" "http://127.0.0.1:${proxy_port}/$(head -c 40000 /dev/zero | tr '\0' a)"
curl -s -w "  %{http_code} %{content_type}\n" -o /dev/null -H 'Content-Type: application/json' \
    --data-binary @<(head -c 100000 /dev/zero | tr '\0' ' ') "http://127.0.0.1:${proxy_port}/parse"
