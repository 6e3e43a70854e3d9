// A gate is only a gate if it can fail. `npm test` runs `npm run test:unit` and
// `npm run test:e2e` (scripts/test.sh, which stops at the first non-zero code); each is run here
// on a fixture with one failure, through the same npm script and the same Vitest global setup
// (whose embedded PostgreSQL once swallowed Vitest's exit code), and must exit non-zero. The
// passing fixtures prove the runs are real: the same command exits 0 when nothing fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function npmRun(script: 'test:unit' | 'test:e2e', config: string, fixture: string) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    // The fixture runs must not inherit this run's worker settings (VITEST_*), only the fixture name.
    const env: NodeJS.ProcessEnv = { ...process.env, GATE_FIXTURE: fixture };
    for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
    const child = spawn('npm', ['run', '--silent', script, '--', '--config', config], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const VITEST_CONFIG = 'test/gates/vitest-fixture/vitest.config.ts';
const PLAYWRIGHT_CONFIG = 'test/gates/playwright-fixture/playwright.config.ts';

describe('npm run test:unit (Vitest with the project global setup)', () => {
  it('exits 0 when every test passes', async () => {
    const { code, output } = await npmRun('test:unit', VITEST_CONFIG, 'passing');
    expect(output).toMatch(/1 passed/);
    expect(code).toBe(0);
  });

  it.each(['failing-test', 'failing-hook', 'unhandled-error'])('exits non-zero for %s', async (fixture) => {
    const { code, output } = await npmRun('test:unit', VITEST_CONFIG, fixture);
    expect(output).toMatch(/failed|Unhandled/);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
  });
});

describe('npm run test:e2e (Playwright)', () => {
  it('exits 0 when every flow passes', async () => {
    const { code, output } = await npmRun('test:e2e', PLAYWRIGHT_CONFIG, 'passing');
    expect(output).toMatch(/1 passed/);
    expect(code).toBe(0);
  });

  it('exits non-zero when a flow fails', async () => {
    const { code, output } = await npmRun('test:e2e', PLAYWRIGHT_CONFIG, 'failing-test');
    expect(output).toMatch(/1 failed/);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
  });
});

describe('npm test (scripts/test.sh)', () => {
  it('stops at the first failing step with its exit code and runs nothing after it', async () => {
    // A stand-in `npm` records each step it is asked for and fails the unit tests with code 3.
    const bin = await mkdtemp(path.join(tmpdir(), 'npm-shim-'));
    const calls = path.join(bin, 'calls');
    await writeFile(
      path.join(bin, 'npm'),
      `#!/bin/sh\necho "$*" >> ${calls}\n[ "$3" = test:unit ] && exit 3\nexit 0\n`,
      { mode: 0o755 },
    );
    const run = spawnSync('bash', ['scripts/test.sh'], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toEqual(['run --silent lint', 'run --silent test:unit']);
    expect(run.status).toBe(3);
    await rm(bin, { recursive: true, force: true });
  });
});
