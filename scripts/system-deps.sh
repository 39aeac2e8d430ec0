#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing.
# WeasyPrint needs Pango; letters use the DejaVu fonts; tests read PDFs with poppler;
# the browser tests drive Debian's Chromium (never a browser downloaded by Playwright);
# the HTML tests run the W3C Nu checker (vnu-jar, from npm) on Java.
set -euo pipefail
needed=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils chromium
        openjdk-17-jre-headless nodejs)
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
