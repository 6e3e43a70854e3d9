// What a realtime server says about itself during one step of a scenario: its /metrics (the
// Prometheus text format) read before and after, and the difference of its histograms turned
// into quantiles; plus the CPU time of the server, of PostgreSQL and of the bench process itself
// (/proc, Linux), as a share of one core, so a run shows which of them was busy.
import { readFileSync, readdirSync } from 'node:fs';

/** Sample lines of a scrape: `name{labels}` → value (labels as printed, e.g. `stage="queue",le="0.005"`). */
export type Scrape = Map<string, number>;

export async function scrapeMetrics(url: string): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`GET ${url}/metrics: ${res.status}`);
  return parseMetrics(await res.text());
}

export function parseMetrics(text: string): Scrape {
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

export interface HistogramSummary {
  count: number;
  mean: number;
  /** Estimated from the buckets (linear within a bucket), like PromQL's histogram_quantile. */
  p50: number;
  p99: number;
}

/**
 * The observations of histogram `name` (with `labels`, e.g. `stage="queue"`) made between two
 * scrapes, summarised; values in the histogram's unit.
 */
export function histogramBetween(before: Scrape, after: Scrape, name: string, labels = ''): HistogramSummary {
  // prom-client prints `le` first: name_bucket{le="0.005",stage="queue"}.
  const prefix = `${name}_bucket{le="`;
  const suffix = labels ? `",${labels}}` : '"}';
  const buckets: Array<{ le: number; count: number }> = [];
  for (const [key, value] of after) {
    if (!key.startsWith(prefix) || !key.endsWith(suffix)) continue;
    const le = key.slice(prefix.length, -suffix.length);
    if (le.includes('"')) continue; // another series whose labels end like these
    buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value - (before.get(key) ?? 0) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const series = labels ? `{${labels}}` : '';
  const count = (after.get(`${name}_count${series}`) ?? 0) - (before.get(`${name}_count${series}`) ?? 0);
  const sum = (after.get(`${name}_sum${series}`) ?? 0) - (before.get(`${name}_sum${series}`) ?? 0);
  return { count, mean: count ? sum / count : NaN, p50: quantileOf(buckets, 0.5), p99: quantileOf(buckets, 0.99) };
}

/** `q` of cumulative bucket counts: linear interpolation inside the bucket that holds it. */
export function quantileOf(buckets: Array<{ le: number; count: number }>, q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (!total) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      // Past the last finite bound there is nothing to interpolate towards: report that bound.
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on

/** CPU seconds (user + system) a process has used so far. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0; // gone since listed
  }
}

/** A PostgreSQL server's processes: the postmaster (postmaster.pid's first line) and its children. */
function postgresPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

export interface CpuReading {
  at: number;
  server: number;
  /** Per PostgreSQL process: a backend that ended in between must not count as negative time. */
  postgres: Map<number, number>;
  bench: number;
}

export function readCpu(serverPids: number[], pgDataDir: string): CpuReading {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    server: serverPids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    postgres: new Map(postgresPids(pgDataDir).map((pid) => [pid, cpuSecondsOf(pid)])),
    bench: (usage.user + usage.system) / 1e6,
  };
}

/** CPU used between two readings, as a share of one core (1.0 = one core busy all the time). */
export function cpuShareBetween(
  before: CpuReading,
  after: CpuReading,
): { server: number; postgres: number; bench: number } {
  const wall = (after.at - before.at) / 1000;
  const share = (x: number) => Math.round((x / wall) * 100) / 100;
  // Backends that started in between count from 0; those that ended in between are missed (the
  // pools here keep theirs for the whole window).
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  return {
    server: share(after.server - before.server),
    postgres: share(postgres),
    bench: share(after.bench - before.bench),
  };
}
