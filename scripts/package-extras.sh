#!/usr/bin/env bash
# package-extras.sh — add the command line's man pages and shell completions
# to the Linux archive that 'fyne package -os linux' wrote, and to the
# install and uninstall targets of the Makefile inside it.
#
#   scripts/package-extras.sh leadcap.tar.xz
#
# The man pages are docs/man/*.1 (written by 'make docs'); the completion
# scripts come from 'leadcap completion bash|zsh|fish'. They are installed as
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
mkdir -p "$top/$share/man/man1" "$top/$share/bash-completion/completions" \
	"$top/$share/zsh/site-functions" "$top/$share/fish/vendor_completions.d"
cp "$ROOT"/docs/man/*.1 "$top/$share/man/man1/"
(cd "$ROOT" && CGO_ENABLED=0 "$GO" build -o "$tmp/leadcap-cli" ./cmd/leadcap)
"$tmp/leadcap-cli" completion bash >"$top/$share/bash-completion/completions/leadcap"
"$tmp/leadcap-cli" completion zsh >"$top/$share/zsh/site-functions/_leadcap"
"$tmp/leadcap-cli" completion fish >"$top/$share/fish/vendor_completions.d/leadcap.fish"
rm "$tmp/leadcap-cli"

# The archive's Makefile installs what it lists: list the new files too.
files=$(cd "$top" && find "$share/man" "$share/bash-completion" "$share/zsh" "$share/fish" -type f | sort)
install_lines="" uninstall_lines=""
for f in $files; do
	dest=${f#usr/local/}
	install_lines+=$'\t'"install -Dm00644 $f \$(DESTDIR)\$(PREFIX)/$dest"$'\n'
	uninstall_lines+=$'\t'"-rm \$(DESTDIR)\$(PREFIX)/$dest"$'\n'
done
awk -v ins="$install_lines" -v unins="$uninstall_lines" '
	{ print }
	/^install:/ { printf "%s", ins }
	/^uninstall:/ { printf "%s", unins }
' "$mk" >"$tmp/Makefile.new"
mv "$tmp/Makefile.new" "$mk"

(cd "$tmp" && tar -cJf "$ARCHIVE.new" -- *)
mv "$ARCHIVE.new" "$ARCHIVE"
log "added $(echo "$files" | wc -l) man pages and completion scripts to $ARCHIVE"
