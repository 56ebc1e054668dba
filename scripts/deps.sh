#!/usr/bin/env bash
# Installs the Debian packages leadcap needs, and only those that are missing.
# Idempotent: a second run installs nothing and takes well under a second.
#
#   scripts/deps.sh build   compiler and GLFW/OpenGL headers for the Fyne app (main.go)
#   scripts/deps.sh tryton  the Tryton server the sync integration tests run against (scripts/tryton.sh)
#   scripts/deps.sh keyring a Secret Service for the keyring tests (scripts/keyring.sh)
#   scripts/deps.sh test    build + tryton + keyring, and staticcheck (go install, into $(go env GOPATH)/bin)
#   scripts/deps.sh tools   Xvfb and imagemagick (screenshots), ZXing-C++ and ZBar (decoder comparison)
set -euo pipefail

build=(gcc pkg-config libgl1-mesa-dev xorg-dev)
tryton=(tryton-server tryton-modules-party tryton-modules-sale-opportunity)
keyring=(gnome-keyring dbus dbus-x11 libsecret-tools)
test=("${build[@]}" "${tryton[@]}" "${keyring[@]}")
tools=(xvfb imagemagick xdotool zxing-cpp-tools python3-zxing-cpp zbar-tools)

case "${1:-build}" in
build) want=("${build[@]}") ;;
tryton) want=("${tryton[@]}") ;;
keyring) want=("${keyring[@]}") ;;
test) want=("${test[@]}") ;;
tools) want=("${tools[@]}") ;;
all) want=("${test[@]}" "${tools[@]}") ;;
*) echo "usage: scripts/deps.sh build|tryton|keyring|test|tools|all" >&2; exit 2 ;;
esac

# staticcheck for make test, pinned; installed once with the go command.
staticcheck_version=v0.8.2
if [ "${1:-build}" = test ] || [ "${1:-build}" = all ]; then
  gobin="$(go env GOPATH)/bin"
  if ! "$gobin/staticcheck" -version 2>/dev/null | grep -q "(${staticcheck_version#v})"; then
    echo "deps: installing staticcheck $staticcheck_version" >&2
    go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
  fi
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: run as root or install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or old on a fresh machine.
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
