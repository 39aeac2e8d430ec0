#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing.
# WeasyPrint needs Pango; letters use the DejaVu fonts, with Noto for every other script a name
# may be in: fonts-noto-core (Arabic, Hebrew, Devanagari, Bengali, Gurmukhi and more, 43 MB),
# fonts-noto-cjk (Chinese, Japanese, Korean in one collection, 91 MB: the only Debian family
# with all three in matching style) and fonts-noto-color-emoji (11 MB); tests read PDFs with poppler;
# the browser tests drive Debian's Chromium headless shell (never a browser downloaded by Playwright);
# the HTML tests run the W3C Nu checker (vnu-jar, from npm) on Java.
# `make serve` runs nginx in front and Redis for the rate limits (deploy/, as this user, never as a service);
# libnginx-mod-stream lets nginx cap connections per address before any header arrives.
set -euo pipefail
needed=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk
        fonts-noto-color-emoji poppler-utils chromium-headless-shell openjdk-17-jre-headless nodejs
        nginx libnginx-mod-stream redis-server)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
