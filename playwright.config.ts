// Browser flows on Debian's Chromium (Playwright cannot download its own browser here), against
// what users meet: the production build (`npm run build`: next build + the bundled realtime
// server), served by `scripts/dev.ts --built` on an isolated, freshly wiped embedded database.
// The build goes to its own folder (.next-e2e), so a developer's `.next` is left alone.
import { randomBytes } from 'node:crypto';
import { defineConfig, devices } from '@playwright/test';

const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3100);
const REALTIME_PORT = Number(process.env.E2E_REALTIME_PORT ?? 3101);
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 54339);
/**
 * Where a flow's stand-in for a third-party image host listens (e2e/url-attachments.spec.ts):
 * the one address the servers may fetch attachments named by URL from besides public ones.
 */
export const E2E_IMAGE_PORT = Number(process.env.E2E_IMAGE_PORT ?? 3102);
/** The run's mail catcher (scripts/dev.ts starts maildev when SMTP_URL is unset): its web API. */
const MAIL_SMTP_PORT = Number(process.env.E2E_MAIL_SMTP_PORT ?? 3103);
const MAIL_WEB_PORT = Number(process.env.E2E_MAIL_WEB_PORT ?? 3104);
export const E2E_MAIL_URL = `http://127.0.0.1:${MAIL_WEB_PORT}`;
export const E2E_BASE_URL = `http://localhost:${WEB_PORT}`;
export const E2E_REALTIME_URL = `http://localhost:${REALTIME_PORT}`;
/** The run's embedded database (scripts/dev.ts: lib/db/local-database.ts), for checks a page cannot see. */
export const E2E_DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${PG_PORT}/stayeasy`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          // Root needs --no-sandbox; the rest keeps Chromium off the closed network.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: {
    command: 'npm run --silent build && node_modules/.bin/tsx scripts/dev.ts --built',
    url: `${E2E_BASE_URL}/api/health`,
    reuseExistingServer: false,
    // The build takes about a minute on two busy cores.
    timeout: 300_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      DEV_RESET_DATA: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      EMBEDDED_PG_DIR: '.data/e2e/postgres',
      EMBEDDED_PG_PORT: String(PG_PORT),
      UPLOAD_DIR: '.data/e2e/uploads',
      PORT: String(WEB_PORT),
      REALTIME_PORT: String(REALTIME_PORT),
      NEXT_DIST_DIR: '.next-e2e',
      // A production server refuses the demo secrets; these live for one run.
      JWT_SECRET: randomBytes(24).toString('hex'),
      NEXTAUTH_SECRET: randomBytes(24).toString('hex'),
      DEV_REALTIME_PID_FILE: '.data/e2e/realtime.pid',
      // Long enough for the restart flow to send over REST while the server is down.
      DEV_REALTIME_RESTART_DELAY_MS: '4000',
      // The long-history flow sends 500 messages in seconds.
      SEND_LIMIT: '1000',
      // One run signs in about 30 times from 127.0.0.1, the default limit per address.
      SIGN_IN_LIMIT_PER_IP: '1000',
      DATABASE_URL: '',
      // Set, not inherited from a developer's shell (next-auth reads NEXTAUTH_URL during the build too).
      FRONTEND_URL: E2E_BASE_URL,
      NEXTAUTH_URL: E2E_BASE_URL,
      NEXT_PUBLIC_REALTIME_URL: E2E_REALTIME_URL,
      // The image host of the URL attachments flow, on this machine: a test allowance, accepted
      // by a production build only on the local stack (scripts/dev.ts sets STAYEASY_LOCAL_STACK).
      ATTACHMENT_FETCH_ALLOW: `127.0.0.1:${E2E_IMAGE_PORT}`,
      // Emails for unread messages go to the run's mail catcher, a few seconds after the message.
      SMTP_URL: '',
      DEV_MAIL_SMTP_PORT: String(MAIL_SMTP_PORT),
      DEV_MAIL_WEB_PORT: String(MAIL_WEB_PORT),
      UNREAD_EMAIL_DELAY: '3s',
    },
  },
});
