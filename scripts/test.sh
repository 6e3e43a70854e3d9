#!/usr/bin/env bash
# `npm test`: everything CI gates on, in order, stopping at the first failure with its exit code.
#   1. the programs the tests need (scripts/test-tools.sh)
#   2. static checks: tsc, ESLint, Prettier (npm run lint)
#   3. Vitest: unit and integration tests on a real PostgreSQL and Redis (npm run test:unit)
#   4. Playwright: the production build (next build + bundled realtime server) served on an
#      embedded PostgreSQL, driven in Chromium (npm run test:e2e)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== npm test: %s\033[0m\n' "$1"; }

step 'test tools'
bash scripts/test-tools.sh
step 'static checks'
npm run --silent lint
step 'unit and integration tests'
npm run --silent test:unit
step 'browser flows on the production build'
npm run --silent test:e2e
step 'all passed'
