#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver for the card-office page's headless-browser test
# (Terminal.Tests/Host/Gateway/CardOfficeBrowserTests.cs) when they are missing. Idempotent and quiet;
# never fails the CI run: it prints one line saying what it found or did, and the test skips itself with
# one clear line when no browser could be installed.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "browser: chromium and chromedriver present ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: chromium missing and no apt-get here; the browser test will be skipped"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "browser: chromium missing and not root; the browser test will be skipped"
    exit 0
  fi
fi
log=$(mktemp)
if DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >"$log" 2>&1 \
  && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >>"$log" 2>&1 \
  && [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "browser: installed $(/usr/bin/chromium --version 2>/dev/null | head -n1) and chromedriver"
else
  echo "browser: could not install chromium/chromium-driver ($(tail -n1 "$log")); the browser test will be skipped"
fi
rm -f "$log"
exit 0
