// The child processes of `npm run dev` (and of its `--built` mode): each runs in its own process group with
// prefixed log lines; when one that must not die exits, the whole group is stopped. The
// realtime server may instead be restarted, as a process manager would (dev, browser tests).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

const COLORS = { db: 35, migrate: 33, web: 36, realtime: 32, mail: 34, dev: 37 } as const;
export type LogName = keyof typeof COLORS;

export function logger(name: LogName) {
  const prefix = process.stdout.isTTY ? `\x1b[${COLORS[name]}m[${name.padEnd(8)}]\x1b[0m` : `[${name.padEnd(8)}]`;
  return (line: string) => {
    for (const part of line.split('\n')) if (part.trim()) console.log(`${prefix} ${part}`);
  };
}

export interface ProcessGroupOptions {
  log: (line: string) => void;
  /** Called once everything is stopped, before the process exits. */
  onStopped?: () => Promise<void>;
}

export interface ChildSpec {
  name: 'web' | 'realtime' | 'mail';
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Restart after this many ms when it exits; unset: its exit stops the group. */
  restartDelayMs?: number;
  /** Where to write its pid (so a test can crash it on purpose). */
  pidFile?: string;
}

export function createProcessGroup({ log, onStopped }: ProcessGroupOptions) {
  const children: ChildProcess[] = [];
  let stopping = false;

  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const child of children) {
      // Each child leads its own process group: `next dev` forks workers that outlive a plain kill.
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await onStopped?.();
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  function run(spec: ChildSpec) {
    const out = logger(spec.name);
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stdout! }).on('line', out);
    createInterface({ input: child.stderr! }).on('line', out);
    if (spec.pidFile && child.pid) void writeFile(spec.pidFile, String(child.pid)).catch(() => {});
    child.on('exit', (code, signal) => {
      if (stopping) return;
      children.splice(children.indexOf(child), 1);
      if (spec.restartDelayMs !== undefined) {
        // A wrapper may die alone (tsx runs the server in a child): end its whole group first so
        // the restarted server finds its port free.
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
        log(`${spec.name} exited (${signal ?? code}); restarting in ${spec.restartDelayMs} ms`);
        setTimeout(() => !stopping && run(spec), spec.restartDelayMs);
        return;
      }
      log(`${spec.name} exited (${signal ?? code}); stopping`);
      void shutdown(code || 1);
    });
    children.push(child);
  }

  return { run, shutdown };
}
