#!/usr/bin/env bash
# `npm start`: the production build (`npm run build`) as two processes, the web app
# (`npm run start:web`, next start on PORT) and the realtime server (`npm run start:realtime`, on
# REALTIME_PORT). Either can run alone, on its own machine. When one exits, the other is stopped
# and `npm start` exits with the first one's code, so a process manager restarts the pair.
# SIGTERM/SIGINT stop both gracefully (the realtime server finishes its sends in flight).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -f "${NEXT_DIST_DIR:-.next}/BUILD_ID" ] || [ ! -f dist/realtime/main.mjs ]; then
  echo "start: no production build here; run npm run build first" >&2
  exit 1
fi
export NODE_ENV=production

# Each in its own process group (job control on), so a signal reaches the server under npm too.
set -m
npm run --silent start:web &
web=$!
npm run --silent start:realtime &
realtime=$!
stop() { kill -TERM -- "-$web" "-$realtime" 2>/dev/null; }
trap stop TERM INT

wait -n "$web" "$realtime"
code=$?
stop
wait
exit "$code"
