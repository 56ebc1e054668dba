#!/usr/bin/env bash
# tryton.sh — a real Tryton 6.0 (Debian 12 packages, SQLite) for leadcap's
# integration tests and benchmarks.
#
#   scripts/tryton.sh start    install packages if missing, build (once) or copy
#                              the template database, start trytond on a free
#                              loopback port, write the env file
#   scripts/tryton.sh stop     stop the trytond started by this script
#   scripts/tryton.sh status   say whether it runs and where
#   scripts/tryton.sh env      print the env file (source it: eval "$(scripts/tryton.sh env)")
#   scripts/tryton.sh rebuild  forget the template and build it again on the next start
#
# The template (an activated database with sale_opportunity, a company, an
# employee and an admin user that belongs to both) is kept in
#   ${LEADCAP_TRYTON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leadcap/tryton}
# so that a start after the first one only copies a file (about a second).
# Each start begins from a fresh copy of the template.
# The running instance lives in <repo>/.cache/tryton (gitignored); tests read
# <repo>/.cache/tryton/env, which exports LEADCAP_TRYTON_URL, LEADCAP_TRYTON_DB,
# LEADCAP_TRYTON_USER and LEADCAP_TRYTON_PASSWORD. The password is a random one
# for this throw-away local instance, not a secret of any real system.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=${LEADCAP_TRYTON_RUN:-$ROOT/.cache/tryton}
CACHE=${LEADCAP_TRYTON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leadcap/tryton}
DBNAME=leadcap
# Debian's interpreter: trytond is installed for it, not for a pyenv or venv python3.
PY=/usr/bin/python3

log() { printf 'tryton.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# install_packages: the Debian packages, when missing (scripts/deps.sh says how).
install_packages() { "$ROOT/scripts/deps.sh" tryton; }

trytond_version() { "$PY" -c 'import trytond; print(trytond.__version__)'; }

free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# write_conf DIR PORT: a trytond config for databases in DIR listening on PORT.
write_conf() {
	cat >"$1/trytond.conf" <<CONF
[database]
uri = sqlite://
path = $1/db
list = False
[web]
listen = 127.0.0.1:$2
root = $1/www
[session]
max_attempt = 20
CONF
	mkdir -p "$1/db" "$1/www"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_up URL PIDFILE: wait until trytond answers JSON-RPC at URL.
wait_up() {
	"$PY" - "$1" "$2" <<'PY'
import json, os, sys, time, urllib.request
url, pidfile = sys.argv[1], sys.argv[2]
pid = int(open(pidfile).read())
deadline = time.time() + 60
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("trytond exited during start-up")
    try:
        req = urllib.request.Request(url, json.dumps({"id": 0, "method": "common.server.version", "params": []}).encode(),
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=2) as r:
            json.load(r)
            sys.exit(0)
    except Exception:
        time.sleep(0.05)
sys.exit("trytond did not answer within 60 s")
PY
}

start_trytond() { # start_trytond DIR -> sets PORT
	local try
	for try in 1 2 3; do # another process may take the free port first
		PORT=$(free_port)
		write_conf "$1" "$PORT"
		setsid trytond -c "$1/trytond.conf" >"$1/trytond.log" 2>&1 </dev/null 9>&- &
		echo $! >"$1/trytond.pid"
		wait_up "http://127.0.0.1:$PORT/" "$1/trytond.pid" && return 0
		stop_pidfile "$1/trytond.pid"
	done
	tail -20 "$1/trytond.log" >&2
	die "trytond did not start: see $1/trytond.log"
}

stop_pidfile() {
	local f=$1
	if pid_alive "$f"; then
		local pid; pid=$(cat "$f")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$f"
}

build_template() {
	local tpl=$1 work
	mkdir -p "$CACHE"
	work=$(mktemp -d "$CACHE/build.XXXXXX")
	BUILD_DIR=$work
	trap 'stop_pidfile "$BUILD_DIR/trytond.pid"; rm -rf "$BUILD_DIR"' EXIT
	log "building the template database (once, about 30 s)"
	write_conf "$work" 0
	: >"$work/db/$DBNAME.sqlite"
	local pw; pw=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
	printf '%s\n' "$pw" >"$work/pass"
	chmod 600 "$work/pass"
	TRYTONPASSFILE="$work/pass" trytond-admin -c "$work/trytond.conf" -d "$DBNAME" --all --email admin@example.com >"$work/admin.log" 2>&1 ||
		{ tail -20 "$work/admin.log" >&2; die "trytond-admin --all failed"; }
	trytond-admin -c "$work/trytond.conf" -d "$DBNAME" -u sale_opportunity --activate-dependencies >>"$work/admin.log" 2>&1 ||
		{ tail -20 "$work/admin.log" >&2; die "activating sale_opportunity failed"; }
	start_trytond "$work"
	"$PY" - "http://127.0.0.1:$PORT/$DBNAME/" admin "$pw" <<'PY' || die "setting up the company failed"
import base64, json, sys, urllib.request
url, user, pw = sys.argv[1:4]
auth = None
def call(method, *params):
    body = json.dumps({"id": 1, "method": method, "params": list(params)}).encode()
    h = {"Content-Type": "application/json"}
    if auth:
        h["Authorization"] = "Session " + auth
    with urllib.request.urlopen(urllib.request.Request(url, body, h), timeout=60) as r:
        res = json.load(r)
    if "error" in res and res["error"]:
        sys.exit("%s: %r" % (method, res["error"]))
    return res["result"]
uid, session = call("common.db.login", user, {"password": pw}, "en")
auth = base64.b64encode(("%s:%s:%s" % (user, uid, session)).encode()).decode()
ctx = call("model.res.user.get_preferences", True, {})
cur, = call("model.currency.currency.create", [{"name": "Euro", "code": "EUR", "symbol": "€",
    "rounding": {"__class__": "Decimal", "decimal": "0.01"}, "digits": 2}], ctx)
cparty, eparty = call("model.party.party.create", [{"name": "Leadcap Test Company"}, {"name": "Leadcap Sync"}], ctx)
company, = call("model.company.company.create", [{"party": cparty, "currency": cur}], ctx)
employee, = call("model.company.employee.create", [{"party": eparty, "company": company}], ctx)
call("model.res.user.write", [uid], {"companies": [["add", [company]]], "company": company,
    "employees": [["add", [employee]]], "employee": employee}, ctx)
ctx = call("model.res.user.get_preferences", True, {})
assert ctx.get("company") == company and ctx.get("employee") == employee, ctx
call("common.db.logout")
PY
	stop_pidfile "$work/trytond.pid"
	cp "$work/db/$DBNAME.sqlite" "$tpl.tmp"
	cp "$work/pass" "$tpl.pass.tmp"
	mv "$tpl.pass.tmp" "$tpl.pass"
	mv "$tpl.tmp" "$tpl"
	rm -rf "$work"
	trap - EXIT
}

cmd_start() {
	# One start at a time (two test runs starting together share one Tryton).
	mkdir -p "$(dirname "$RUN")" "$CACHE"
	exec 9>"$CACHE/start.lock"
	flock 9
	if pid_alive "$RUN/trytond.pid" && [ -f "$RUN/env" ]; then
		log "already running: $(grep URL "$RUN/env" | cut -d= -f2)"
		return 0
	fi
	install_packages
	local tpl; tpl="$CACHE/template-$(trytond_version).sqlite"
	[ -f "$tpl" ] && [ -f "$tpl.pass" ] || build_template "$tpl"
	stop_pidfile "$RUN/trytond.pid"
	rm -rf "$RUN"
	mkdir -p "$RUN/db"
	cp "$tpl" "$RUN/db/$DBNAME.sqlite"
	start_trytond "$RUN"
	# Load the database's pool now (a first login takes a few seconds), so
	# the first test does not pay for it.
	"$PY" - "http://127.0.0.1:$PORT/$DBNAME/" admin "$(cat "$tpl.pass")" <<'PY' || die "trytond started but the login to database $DBNAME fails: see $RUN/trytond.log, or run scripts/tryton.sh rebuild"
import json, sys, urllib.request
url, user, pw = sys.argv[1:4]
body = json.dumps({"id": 1, "method": "common.db.login", "params": [user, {"password": pw}, "en"]}).encode()
with urllib.request.urlopen(urllib.request.Request(url, body, {"Content-Type": "application/json"}), timeout=60) as r:
    if not json.load(r).get("result"):
        sys.exit("login refused")
PY
	local envf="$RUN/env"
	{
		echo "export LEADCAP_TRYTON_URL=http://127.0.0.1:$PORT/"
		echo "export LEADCAP_TRYTON_DB=$DBNAME"
		echo "export LEADCAP_TRYTON_USER=admin"
		echo "export LEADCAP_TRYTON_PASSWORD=$(cat "$tpl.pass")"
	} >"$envf.tmp"
	chmod 600 "$envf.tmp"
	mv "$envf.tmp" "$envf"
	log "trytond $(trytond_version) runs at http://127.0.0.1:$PORT/ (database $DBNAME); env in $envf"
}

cmd_stop() {
	if pid_alive "$RUN/trytond.pid"; then
		stop_pidfile "$RUN/trytond.pid"
		log "stopped"
	else
		rm -f "$RUN/trytond.pid"
		log "not running"
	fi
	rm -f "$RUN/env"
}

cmd_status() {
	if pid_alive "$RUN/trytond.pid" && [ -f "$RUN/env" ]; then
		log "running: $(grep URL "$RUN/env" | cut -d= -f2) (pid $(cat "$RUN/trytond.pid"))"
	else
		log "not running: run scripts/tryton.sh start"
		return 1
	fi
}

cmd_env() {
	[ -f "$RUN/env" ] && pid_alive "$RUN/trytond.pid" || die "not running: run scripts/tryton.sh start"
	cat "$RUN/env"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) cmd_env ;;
rebuild) rm -f "$CACHE"/template-*.sqlite "$CACHE"/template-*.sqlite.pass; log "template removed; the next start builds it again" ;;
*) echo "usage: scripts/tryton.sh start|stop|status|env|rebuild" >&2; exit 2 ;;
esac
