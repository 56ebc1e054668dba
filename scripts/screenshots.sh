#!/usr/bin/env bash
# Screenshots of every screen of the real app, desktop and phone layout, in
# English and German, with a demo data set: docs/screenshots/<screen>-desktop.png
# and -mobile.png, and -desktop-de.png and -mobile-de.png in German. The
# review screen ("review") is opened with xdotool (Ctrl+N on Capture).
#
# Builds the app twice (desktop, -tags mobile) and the command line, fills a
# demo database through the command line (an event, 30 leads with German,
# French and English names, prospects, notes, consent; some delivered to a
# local demo webhook, two refused by it, a few still waiting), then starts
# the app once per screen under Xvfb (`--tab NAME`) and takes the picture.
# Needs Xvfb, imagemagick and xdotool: `make screenshots` installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

out=docs/screenshots
screens=(capture leads lead meeting sync settings followups report review)
# A display of our own: other Xvfb servers (tests, other checkouts) may run.
n=${SCREENSHOT_DISPLAY:-$((100 + RANDOM % 400))}
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
display=:$n
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "screenshots: building the app (desktop and mobile) and the command line" >&2
go build -o "$work/app-desktop" .
go build -tags mobile -o "$work/app-mobile" .
CGO_ENABLED=0 go build -o "$work/leadcap" ./cmd/leadcap

# A demo CRM: a webhook receiver on a loopback port that refuses leads
# without an organization, as a CRM with a required company field would.
cat >"$work/hook.py" <<'EOF'
import http.server, json, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        doc = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        lead = doc.get("lead") or {}
        if doc.get("type") == "lead.upsert" and not lead.get("contact", {}).get("organization"):
            self.send_response(422); self.end_headers()
            self.wfile.write(b'{"error":"Company is required for new leads"}'); return
        self.send_response(200); self.end_headers()
        self.wfile.write(json.dumps({"id": "crm-" + str(doc.get("lead_id", ""))[:8]}).encode())
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
EOF
port=$((20000 + RANDOM % 20000))
python3 "$work/hook.py" "$port" & hook=$!
pids+=("$hook")

echo "screenshots: creating the demo data set" >&2
db="$work/demo.db"
cli() { "$work/leadcap" --db "$db" "$@"; }
cli event create --name "IFA Berlin 2026" --venue "Messe Berlin" --city Berlin --country DE \
  --booth "Halle 21, Stand 104" --start 2026-09-04 --end 2026-09-08 >/dev/null
# The fair runs around today, so that the report's days and the follow-ups
# due today and overdue have something to show.
day() { date -d "$1" +%Y-%m-%d; }
cli event create --name "Hannover Messe 2026" --venue "Messegelände" --city Hannover --country DE \
  --booth "Halle 7, Stand C22" --start "$(day '-2 days')" --end "$(day '+2 days')" --use >/dev/null

# given|family|organization|title|email|phone|stage|note
leads=(
  "Jürgen|Müller|Müller Maschinenbau GmbH|Einkaufsleiter|j.mueller@mueller-maschinenbau.de|0511 4780 221|prospect|Braucht 40 Scanner bis Q3, Angebot bis Freitag."
  "Amélie|Dubois|Robotique Lyonnaise SA|Directrice technique|a.dubois@robotique-lyon.fr|+33 4 72 10 33 80|prospect|Wants a demo at their Lyon plant in May."
  "Oliver|Smith|Northwind Logistics Ltd|Operations Manager|oliver.smith@northwind.co.uk|+44 20 7946 0321|lead|"
  "Sabine|Schäfer|Schäfer & Söhne KG|Geschäftsführerin|sabine@schaefer-soehne.de|089 2190 4410|prospect|Entscheidet selbst, Budget freigegeben."
  "François|Lefèvre|Atelier Lefèvre|Gérant|f.lefevre@atelier-lefevre.fr|+33 1 42 68 53 00|lead|"
  "Emily|Clarke|Brightline Analytics|Head of Data|emily.clarke@brightline.io|+44 161 496 0750|lead|Asked for the API documentation."
  "Klaus|Wagner|Wagner Elektrotechnik|Projektleiter|k.wagner@wagner-elektro.de|0711 6603 118|lead|"
  "Élodie|Moreau|Moreau Logistique|Responsable achats|elodie.moreau@moreau-log.fr|+33 3 88 52 17 40|prospect|Pilot with two warehouses, then roll-out."
  "James|Taylor|Taylor & Finch LLP|Partner|j.taylor@taylorfinch.com|+1 212 555 0148|lead|"
  "Ursula|Becker|Stadtwerke Neustadt|Leiterin IT|u.becker@stadtwerke-neustadt.de|06321 855 230|lead|Ausschreibung kommt im Herbst."
  "Bernd|Koch||Freiberufler|bernd.koch@posteo.de|0171 2345 678|lead|Hat keine Firma angegeben."
  "Lukas|Hoffmann|Hoffmann Automation AG|Vertrieb|lukas.hoffmann@hoffmann-automation.de|030 3908 7712|lead|"
  "Camille|Bernard|Bernard Conseil|Consultante|camille@bernard-conseil.fr|+33 5 56 44 20 91|lead|"
  "Sophie|Wright|Wright Engineering|CTO|sophie@wright-eng.co.uk|+44 117 496 0233|prospect|Budget approved, signs in June."
  "Matthias|Krüger|Krüger Fördertechnik|Technischer Leiter|m.krueger@kf-technik.de|0421 3308 456|lead|"
  "Hélène|Girard|Girard Packaging|Directrice commerciale|h.girard@girard-pack.fr|+33 2 40 73 61 15|lead|"
  "Thomas|Brown|Brown Retail Group|Store Systems Lead|thomas.brown@brownretail.com|+1 415 555 0199|lead|"
  "Petra|Schulz|Schulz Medizintechnik|Qualitätsmanagerin|p.schulz@schulz-medtech.de|0341 9628 300|lead|Möchte Datenblatt zur DSGVO."
  "Chloé|Lambert||Étudiante|chloe.lambert@etu.example.fr|+33 7 81 22 45 63|lead|"
  "Nicolas|Petit|Petit & Fils|Directeur|nicolas.petit@petit-fils.fr|+33 6 12 34 56 78|lead|"
  "Charlotte|Evans|Evans Consulting|Managing Director|charlotte@evansconsulting.co.uk|+44 131 496 0817|lead|"
  "Stefan|Neumann|Neumann Spedition|Disponent|s.neumann@neumann-spedition.de|0231 5577 890|lead|"
  "Manon|Roux|Roux Électronique|Ingénieure|manon.roux@roux-elec.fr|+33 4 91 55 22 10|lead|"
  "Daniel|Walker|Walker Foods|Procurement|d.walker@walkerfoods.com|+1 312 555 0177|lead|"
  "Anna|Zimmermann|Zimmermann Bau GmbH|Bauleiterin|a.zimmermann@zimmermann-bau.de|0621 4411 702|lead|"
  "Julien|Fournier|Fournier Transports|Responsable flotte|j.fournier@fournier-transports.fr|+33 3 20 14 78 36|lead|"
  "Grace|Hughes|Hughes Medical|Lab Manager|grace.hughes@hughesmedical.co.uk|+44 29 2018 0444|lead|"
  "Markus|Richter|Richter Software|Entwickler|markus@richter-software.de|0351 8844 123|lead|"
  "Léa|Martin|Studio Martin|Designerin|lea@studio-martin.fr|+33 1 55 43 21 09|lead|"
  "Henry|Cooper|Cooper Robotics|Founder|henry@cooperrobotics.com|+1 617 555 0123|lead|"
)
ids=()
for i in "${!leads[@]}"; do
  IFS='|' read -r given family org title email phone stage note <<<"${leads[$i]}"
  args=(--given "$given" --family "$family" --title "$title" --email "$email" --phone "$phone" --staff "Anna Weber")
  [ -n "$org" ] && args+=(--org "$org")
  id=$(cli add "${args[@]}" | tail -1)
  ids+=("$id")
  if [ "$stage" = prospect ]; then
    cli qualify "$id" --fit yes --budget yes --authority yes --interest yes --rating hot >/dev/null
  elif [ $((i % 3)) -eq 0 ]; then
    cli qualify "$id" --fit yes --interest yes --rating warm >/dev/null
  fi
  # follow-ups: one overdue, then due today, then next week, in turn
  offsets=(-1 0 7)
  follow=$(day "${offsets[$((i % 3))]} days")
  [ -n "$note" ] && cli note "$id" "$note" --author "Anna Weber" --follow-up "$follow" >/dev/null
  if [ $((i % 4)) -ne 3 ]; then
    cli consent "$id" --basis consent --status active --wording v3 >/dev/null
  fi
  # The first 24 leads go to the CRM, which refuses the two without an
  # organization (as a CRM with a required company field would); the rest wait.
  if [ "$i" -eq 23 ]; then
    cli crm set webhook --url "http://127.0.0.1:$port/leadcap" >/dev/null
    LEADCAP_CRM_SECRET=demo-signing-key cli sync --timeout 30s >/dev/null || true
  fi
done
cli note "${ids[3]}" "Rückruf vereinbart: Vertrag geht an die Rechtsabteilung." --author "Anna Weber" >/dev/null
kill "$hook"  # the CRM goes away: the app shows itself offline, the last leads wait
cli status >&2 || true

mkdir -p "$out"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
export LEADCAP_CRM_SECRET=demo-signing-key LEADCAP_STAFF="Anna Weber"
mkdir -p "$HOME"

# stop_app PID ends the app, forcibly when it has not quit 5 s after being
# asked (a busy machine once left it hanging in its close handler).
stop_app() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# shoot VARIANT SCREEN_SIZE WINDOW_SIZE LANGUAGE: one picture per screen.
shoot() {
  local variant=$1 screen=$2 size=$3 language=$4 suffix=""
  [ "$language" = en ] || suffix="-$language"
  export LANGUAGE=$language LANG=${language}_$(echo "${language/en/us}" | tr a-z A-Z).UTF-8
  Xvfb "$display" -screen 0 "${screen}x24" -nolisten tcp >/dev/null 2>&1 &
  local xvfb=$!
  pids+=("$xvfb")
  for _ in $(seq 50); do DISPLAY=$display xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
  kill -0 "$xvfb" 2>/dev/null || { echo "screenshots: Xvfb $display did not start" >&2; exit 1; }
  for s in "${screens[@]}"; do
    local app win="" try tab=$s
    [ "$s" = review ] && tab=capture
    [ "$s" = review ] && [ "$variant" = mobile ] && continue # no keyboard shortcuts on a phone
    for try in 1 2; do # a cold start on a busy machine may miss the first wait
      DISPLAY=$display "$work/app-$variant" --db "$db" --tab "$tab" >"$work/app.log" 2>&1 &
      app=$!
      pids+=("$app")
      # the app's is the only window on this display
      win=$(DISPLAY=$display timeout 20 xdotool search --sync --onlyvisible --name . | head -1) && [ -n "$win" ] && break
      kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true
    done
    [ -n "$win" ] || { echo "screenshots: the $variant app showed no window:" >&2; cat "$work/app.log" >&2; exit 1; }
    if [ -n "$size" ]; then
      DISPLAY=$display xdotool windowsize "$win" ${size/x/ }
    fi
    sleep 4 # let it load and paint
    [ "$s" = lead ] && sleep 2 # it opens the newest lead once the list is read
    if [ "$s" = review ]; then # a lead typed in: the review form
      DISPLAY=$display xdotool mousemove --window "$win" 400 300 click 1 key ctrl+n
      sleep 2
    fi
    eval "$(DISPLAY=$display xdotool getwindowgeometry --shell "$win")"
    DISPLAY=$display import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$out/$s-$variant$suffix.png"
    echo "screenshots: $out/$s-$variant$suffix.png (${WIDTH}x${HEIGHT})" >&2
    stop_app "$app"
  done
  kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true
}

for language in en de; do
  shoot desktop 1280x800 "" "$language"
  # fyne's phone simulation opens a 600x800 px window (2 px a point) and
  # paints only once it is resized: a 360x640 pt phone is 720x1280 px.
  shoot mobile 1600x1600 "${MOBILE_WINDOW:-720x1280}" "$language"
done
