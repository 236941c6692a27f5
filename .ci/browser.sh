#!/usr/bin/env bash
# Install what tests/test_browser.py needs on a fresh Debian machine (run as root):
# Debian's Chromium at /usr/bin/chromium and Playwright for Python. Playwright must not
# download a browser of its own (there is no network for that); the tests launch
# /usr/bin/chromium through executable_path.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
if ! python -c "import playwright.sync_api" 2>/dev/null; then
    python -m pip install --quiet playwright
fi
/usr/bin/chromium --version
python -c "import playwright; print('playwright', __import__('importlib.metadata').metadata.version('playwright'))"
