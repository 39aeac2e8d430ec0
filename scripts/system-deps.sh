#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing.
# `system-deps.sh run`: what the site runs on (make run, make serve). WeasyPrint needs Pango;
# letters use the DejaVu fonts, with Noto for every other script a name may be in:
# fonts-noto-core (Arabic, Hebrew, Devanagari, Bengali, Gurmukhi and more, 43 MB),
# fonts-noto-cjk (Chinese, Japanese, Korean in one collection, 91 MB: the only Debian family
# with all three in matching style) and fonts-noto-color-emoji (11 MB). `make serve` runs
# nginx in front and Redis for the rate limits (deploy/, as this user, never as a service);
# libnginx-mod-stream lets nginx cap connections per address before any header arrives.
# `system-deps.sh test`: those, and what only the tests use (make test): poppler to read PDFs,
# Debian's Chromium headless shell for the browser tests (never a browser downloaded by
# Playwright), Java and Node for the W3C Nu checker (vnu-jar, from npm).
set -euo pipefail
run=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk
     fonts-noto-color-emoji nginx libnginx-mod-stream redis-server)
test=(poppler-utils chromium-headless-shell openjdk-17-jre-headless nodejs)
case "${1:-}" in
  run) needed=("${run[@]}") ;;
  test) needed=("${run[@]}" "${test[@]}") ;;
  *) echo "usage: scripts/system-deps.sh run|test" >&2; exit 2 ;;
esac
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ "$1" = run ] || command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
