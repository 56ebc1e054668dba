#!/usr/bin/env bash
# package-extras.sh — add the command line, its man pages and its shell
# completions to the Linux archive that 'fyne package -os linux' wrote, and
# to the install, uninstall, user-install and user-uninstall targets of the
# Makefile inside it.
#
#   scripts/package-extras.sh leadcap.tar.xz
#
# fyne names the app's binary after the module: leadcap. The command line the
# man pages and completions describe is leadcap too, so the app is renamed
# leadcap-app (binary, the .desktop file's Exec and the Makefile's Exec) and
# the command line (CGO_ENABLED=0 build of ./cmd/leadcap) takes the name
# leadcap: 'leadcap list' in a terminal, the desktop entry opens the window.
# The man pages are docs/man/*.1 (written by 'make docs'); the completion
# scripts come from 'leadcap completion bash|zsh|fish'. They are installed as
#   $(PREFIX)/bin/leadcap, $(PREFIX)/bin/leadcap-app
#   $(PREFIX)/share/man/man1/leadcap*.1
#   $(PREFIX)/share/bash-completion/completions/leadcap
#   $(PREFIX)/share/zsh/site-functions/_leadcap
#   $(PREFIX)/share/fish/vendor_completions.d/leadcap.fish
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARCHIVE=$(realpath "${1:?usage: package-extras.sh ARCHIVE.tar.xz}")
GO=${GO:-go}

log() { printf 'package-extras.sh: %s\n' "$*" >&2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$ARCHIVE" -C "$tmp"
# The archive's Makefile and usr/ sit at its top or in one folder (leadcap/).
mk=$(find "$tmp" -maxdepth 2 -name Makefile | head -n 1)
[ -n "$mk" ] || { log "$ARCHIVE holds no Makefile: not an archive of 'fyne package -os linux'"; exit 1; }
top=$(dirname "$mk")

share=usr/local/share
bin=usr/local/bin
[ -f "$top/$bin/leadcap" ] || { log "$ARCHIVE holds no $bin/leadcap: not an archive of 'fyne package -os linux'"; exit 1; }
if [ ! -f "$top/$bin/leadcap-app" ]; then
	mv "$top/$bin/leadcap" "$top/$bin/leadcap-app"
	sed -i -e 's/^Exec=leadcap$/Exec=leadcap-app/' "$top"/usr/local/share/applications/*.desktop
	sed -i -e 's/^Exec := "leadcap"$/Exec := "leadcap-app"/' "$mk"
fi
mkdir -p "$top/$share/man/man1" "$top/$share/bash-completion/completions" \
	"$top/$share/zsh/site-functions" "$top/$share/fish/vendor_completions.d"
cp "$ROOT"/docs/man/*.1 "$top/$share/man/man1/"
(cd "$ROOT" && CGO_ENABLED=0 "$GO" build -trimpath -o "$top/$bin/leadcap" ./cmd/leadcap)
"$top/$bin/leadcap" completion bash >"$top/$share/bash-completion/completions/leadcap"
"$top/$bin/leadcap" completion zsh >"$top/$share/zsh/site-functions/_leadcap"
"$top/$bin/leadcap" completion fish >"$top/$share/fish/vendor_completions.d/leadcap.fish"

# The archive's Makefile installs what it lists: list the new files too, for
# a system install (PREFIX) and a user install (~/.local).
files=$(cd "$top" && find "$share/man" "$share/bash-completion" "$share/zsh" "$share/fish" -type f | sort)
install_lines=$'\t'"install -Dm00755 $bin/leadcap \$(DESTDIR)\$(PREFIX)/bin/leadcap"$'\n'
uninstall_lines=$'\t'"-rm \$(DESTDIR)\$(PREFIX)/bin/leadcap"$'\n'
user_install_lines=$'\t'"install -Dm00755 $bin/leadcap \$(DESTDIR)\$(HOME)/.local/bin/leadcap"$'\n'
user_uninstall_lines=$'\t'"-rm \$(DESTDIR)\$(HOME)/.local/bin/leadcap"$'\n'
for f in $files; do
	dest=${f#usr/local/}
	install_lines+=$'\t'"install -Dm00644 $f \$(DESTDIR)\$(PREFIX)/$dest"$'\n'
	uninstall_lines+=$'\t'"-rm \$(DESTDIR)\$(PREFIX)/$dest"$'\n'
	user_install_lines+=$'\t'"install -Dm00644 $f \$(DESTDIR)\$(HOME)/.local/$dest"$'\n'
	user_uninstall_lines+=$'\t'"-rm \$(DESTDIR)\$(HOME)/.local/$dest"$'\n'
done
awk -v ins="$install_lines" -v unins="$uninstall_lines" -v uins="$user_install_lines" -v uunins="$user_uninstall_lines" '
	{ print }
	/^install:/ { printf "%s", ins }
	/^uninstall:/ { printf "%s", unins }
	/^user-install:/ { printf "%s", uins }
	/^user-uninstall:/ { printf "%s", uunins }
' "$mk" >"$tmp/Makefile.new"
mv "$tmp/Makefile.new" "$mk"

(cd "$tmp" && tar -cJf "$ARCHIVE.new" -- *)
mv "$ARCHIVE.new" "$ARCHIVE"
log "added the command line (bin/leadcap; the app is bin/leadcap-app) and $(echo "$files" | wc -l) man pages and completion scripts to $ARCHIVE"
