#!/bin/sh
# Copy scorm-again's built runtimes (SCORM 1.2 and 2004) from the locked npm package into
# lms/static/scorm-again/, with its licence (MIT). Needs Node 18+; run `make scorm-asset`.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../../lms/static/scorm-again
mkdir -p "$out"
dist=node_modules/scorm-again/dist
version=$(node -p 'require("./node_modules/scorm-again/package.json").version')
for name in scorm12 scorm2004; do
  cp "$dist/$name.min.js" "$out/$name.min.js"
  # the source map is not shipped: drop the dangling reference to it
  sed -i '/^\/\/# sourceMappingURL=/d' "$out/$name.min.js"
done
{
  echo "scorm-again $version (MIT), https://github.com/jcputney/scorm-again"
  echo "copied from the npm package by frontend/scorm-again/build.sh"
  echo
  cat node_modules/scorm-again/LICENSE
} > "$out/LICENSE.txt"
ls -l "$out"
