#!/bin/sh
# Rebuild lms/static/studio-editor/editor.js from the locked npm packages (needs Node 18+).
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node build.mjs
