// scripts/test-tools.sh, the first step of `npm test`: with a tool missing and no way to install
// it (not root), it stops at once with one line naming what to install, and a non-zero code.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/test-tools.sh');

function runAsUnprivileged(env: Record<string, string>) {
  // As root (CI), drop to `nobody` so apt-get is out of reach, as on a developer's machine.
  const asRoot = process.getuid?.() === 0;
  const [command, args] = asRoot
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT]]
    : ['bash', [SCRIPT]];
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.CHROMIUM_PATH) delete childEnv.CHROMIUM_PATH;
  if (!env.REDIS_SERVER_PATH) delete childEnv.REDIS_SERVER_PATH;
  return spawnSync(command, args, { env: childEnv, encoding: 'utf8' });
}

describe('scripts/test-tools.sh', () => {
  it('names the missing tool in one line and fails when it cannot install it', () => {
    const result = runAsUnprivileged({ CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^npm test: missing chromium: install Debian's packages \(sudo apt-get install chromium\)/),
    ]);
  });

  it('passes silently when both tools are there', () => {
    const result = runAsUnprivileged({});
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
