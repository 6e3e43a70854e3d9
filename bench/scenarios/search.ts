// Scenario 7: search (lib/chat/search.ts, GET /api/search). A host with 200 chats among 2,000,
// and 1,000,000 messages in all (100,000 in --quick), half of them in the host's chats, their
// text drawn from an 18,000-word vocabulary with Zipf-like frequencies (a few words in most
// messages, most words rare), bulk-loaded with INSERT … SELECT. Then, as the host, through the
// domain function the route calls (membership, the search statement, snippets):
//   - whole words, from the most common to the rarest (ranks spread evenly on a log scale);
//   - 3-letter fragments of the same words (a part of a word: "aka" of "kaka");
// each query run several times, p50/p99 per kind.
// And what the index costs a send: acked-send throughput of one realtime server with the search
// index on messages and without it (dropped), in alternating phases so that the machine's drift
// falls on both, each after a CHECKPOINT; the ratio of the means is the cost (target: with ≥
// 0.90 × without).
import type pg from 'pg';
import { makeChats, stats, type Stats } from '../common';
import type { BenchContext } from './context';
import { measureOurSends } from './send';

export interface SearchResult {
  messages: number;
  hostChats: number;
  hostMessages: number;
  loadSec: number;
  words: { queries: number; latency: Stats; medianHits: number };
  fragments: { queries: number; latency: Stats; medianHits: number };
  sends: {
    clients: number;
    phaseSec: number;
    phases: Array<{ index: boolean; msgsPerSec: number }>;
    withIndex: number;
    withoutIndex: number;
    /** with / without: 1.00 means the index costs nothing. */
    ratio: number;
  };
}

const VOCABULARY = 18_000;
const HOST_CHATS = 200;
const OTHER_CHATS = 1_800;
// The word of rank i (0 = most common): two syllables, and a consonant from rank 900 on: 18,000
// distinct words of 4 or 5 letters.
const WORD_FUNCTION = `
  CREATE OR REPLACE FUNCTION bench_word(i int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT s[1 + i % 30] || s[1 + (i / 30) % 30] || CASE WHEN i >= 900 THEN c[1 + (i / 900) % 20] ELSE '' END
    FROM (SELECT array['ka','lo','mi','ne','ro','sa','tu','vi','be','do','fe','ga','hu','ji','po','ri','se','ta',
                       've','zo','an','el','or','us','ar','en','il','on','ut','ay'] AS s,
                 array['k','l','m','n','r','s','t','v','b','d','f','g','h','j','p','x','z','c','w','y'] AS c) v
  $$`;

export async function searchScenario(ctx: BenchContext): Promise<SearchResult> {
  const total = ctx.quick ? 100_000 : 1_000_000;
  ctx.log(`search: loading ${total.toLocaleString('en')} messages`);
  const loadStarted = performance.now();
  const host = await loadSearchData(ctx.pool, total);
  const loadSec = Math.round((performance.now() - loadStarted) / 100) / 10;
  ctx.log(`search: loaded in ${loadSec} s`);

  const { db } = await import('../../lib/db');
  const { searchInbox, searchQuerySchema } = await import('../../lib/chat');
  const { parseInput } = await import('../../lib/validation');
  const search = (q: string) => searchInbox(db, host.userId, parseInput(searchQuerySchema, { q }));

  const queries = ctx.quick ? 20 : 40;
  const repeats = ctx.quick ? 3 : 5;
  // Ranks spread evenly on a log scale from the most common word to the rarest.
  const ranks = Array.from(
    { length: queries },
    (_, k) => Math.round(Math.exp((k * Math.log(VOCABULARY)) / (queries - 1))) - 1,
  );
  const { rows } = await ctx.pool.query<{ word: string }>(
    'SELECT bench_word(r) AS word FROM unnest($1::int[]) WITH ORDINALITY AS t(r, n) ORDER BY n',
    [ranks],
  );
  const words = rows.map((r) => r.word);
  const fragments = words.map((w) => w.slice(1, 4));
  const measure = async (kind: string, texts: string[]) => {
    const samples: number[] = [];
    const hits: number[] = [];
    const slowest = new Map<string, number>();
    for (const q of texts) await search(q); // warm: the plan and the pages, as a server that is up
    for (let r = 0; r < repeats; r++) {
      for (const q of texts) {
        const t = performance.now();
        const result = await search(q);
        const took = performance.now() - t;
        samples.push(took);
        slowest.set(q, Math.max(slowest.get(q) ?? 0, took));
        if (r === 0) hits.push(result.messages.length);
      }
    }
    const latency = stats(samples);
    const worst = [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 3);
    ctx.log(
      `search: ${kind} p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${samples.length} searches); slowest: ` +
        worst.map(([q, ms]) => `"${q}" ${ms.toFixed(1)} ms`).join(', '),
    );
    return { queries: texts.length, latency, medianHits: median(hits) };
  };
  const wordsResult = await measure('words', words);
  const fragmentsResult = await measure('3-letter fragments', fragments);

  // What the index costs a send, in alternating phases (the index is dropped and built again).
  const clients = ctx.quick ? 16 : 32;
  const phaseMs = ctx.quick ? 3_000 : 8_000;
  const warmupMs = ctx.quick ? 500 : 1_000;
  const phaseCount = ctx.quick ? 4 : 8;
  const sendChats = await makeChats(ctx.pool, 'sw', clients);
  const server = await ctx.startRealtime();
  const phases: SearchResult['sends']['phases'] = [];
  const indexDefinition = await definitionOf(ctx.pool, 'idx_messages_search');
  try {
    // Unmeasured: the server's first sends (JIT, pools, caches) must not fall on one side.
    await measureOurSends(ctx, server, sendChats, 0, warmupMs * 2);
    for (let p = 0; p < phaseCount; p++) {
      const index = p % 2 === 0;
      if (index && !(await definitionOf(ctx.pool, 'idx_messages_search'))) {
        ctx.log('search: building the search index again');
        await ctx.pool.query(indexDefinition!);
      }
      if (!index) await ctx.pool.query('DROP INDEX idx_messages_search');
      // Building the index writes hundreds of MB of WAL: without a checkpoint here, the one it
      // triggers (and the writeback of the new index) falls in the next phase, a "with" one.
      await ctx.pool.query('CHECKPOINT');
      const row = await measureOurSends(ctx, server, sendChats, warmupMs, phaseMs);
      ctx.log(`search: sends ${index ? 'with' : 'without'} the search index: ${row.msgsPerSec} msg/s`);
      phases.push({ index, msgsPerSec: row.msgsPerSec });
    }
  } finally {
    await server.stop();
    if (!(await definitionOf(ctx.pool, 'idx_messages_search'))) await ctx.pool.query(indexDefinition!);
  }
  const mean = (index: boolean) => average(phases.filter((p) => p.index === index).map((p) => p.msgsPerSec));
  const withIndex = mean(true);
  const withoutIndex = mean(false);

  return {
    messages: total,
    hostChats: HOST_CHATS,
    hostMessages: total / 2,
    loadSec,
    words: wordsResult,
    fragments: fragmentsResult,
    sends: {
      clients,
      phaseSec: phaseMs / 1000,
      phases,
      withIndex,
      withoutIndex,
      ratio: Math.round((withIndex / withoutIndex) * 100) / 100,
    },
  };
}

/**
 * The search data: the host and its chats, the others' chats, `total` messages (exported for
 * looking at plans by hand against the same data).
 */
export async function loadSearchData(pool: pg.Pool, total: number): Promise<{ userId: string; chatIds: string[] }> {
  const host = await makeHost(pool);
  const others = await makeChats(pool, 'sy', OTHER_CHATS);
  const chatIds = [...host.chatIds, ...others.map((c) => c.chatId)];
  const client = await pool.connect();
  try {
    await client.query(WORD_FUNCTION);
    // Message i goes to the host's chats when even (half of all), to the others' when odd; its
    // words' ranks are log-uniform (floor(exp(random × ln V)) - 1): Zipf's law, roughly. Every
    // message of the host is older than every other one (a host whose chats went quiet while the
    // platform stayed busy): a search must not pay for everyone else's newer messages.
    await client.query(
      `INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, created_at, read_at)
       SELECT 'bsm' || lpad(i::text, 9, '0'), c.id,
              CASE WHEN i % 4 < 2 THEN c.guest_id ELSE c.owner_id END,
              CASE WHEN i % 4 < 2 THEN c.owner_id ELSE c.guest_id END,
              c.property_id,
              (SELECT string_agg(bench_word(floor(exp(random() * ln($3::int)))::int - 1), ' ')
               FROM generate_series(1, 4 + i % 16) w WHERE i > 0),
              timestamptz '2026-01-01 00:00:00+00' + (i / 2 + CASE WHEN i % 2 = 0 THEN 0 ELSE $1::int / 2 END) * interval '1 second',
              timestamptz '2026-01-01 00:00:00+00' + (i / 2 + CASE WHEN i % 2 = 0 THEN 0 ELSE $1::int / 2 END) * interval '1 second'
       FROM generate_series(1, $1::int) i
       JOIN chats c ON c.id = ($2::text[])[1 + CASE WHEN i % 2 = 0 THEN (i / 2) % ${HOST_CHATS}
                                                 ELSE ${HOST_CHATS} + (i / 2) % ${OTHER_CHATS} END]`,
      [total, chatIds, VOCABULARY],
    );
    await client.query('VACUUM ANALYZE messages');
  } finally {
    client.release();
  }
  return host;
}

/** The host: one user with a property and HOST_CHATS guests writing to them about it. */
async function makeHost(pool: pg.Pool): Promise<{ userId: string; chatIds: string[] }> {
  await pool.query(`INSERT INTO users (id, email, name, password_hash, role, updated_at)
    VALUES ('bshost000001', 'bshost@bench.test', 'Search Host', 'x', 'OWNER'::role, now())`);
  await pool.query(
    `INSERT INTO properties (id, owner_id, name) VALUES ('bshostprop01', 'bshost000001', 'Search Villa')`,
  );
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash, role, updated_at)
     SELECT 'bshg' || lpad(i::text, 6, '0'), 'bshg' || i || '@bench.test', 'Guest ' || i, 'x', 'GUEST'::role, now()
     FROM generate_series(1, $1::int) i`,
    [HOST_CHATS],
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO chats (id, guest_id, owner_id, property_id, updated_at)
     SELECT 'bshc' || lpad(i::text, 6, '0'), 'bshg' || lpad(i::text, 6, '0'), 'bshost000001', 'bshostprop01', now()
     FROM generate_series(1, $1::int) i RETURNING id`,
    [HOST_CHATS],
  );
  return { userId: 'bshost000001', chatIds: rows.map((r) => r.id).sort() };
}

async function definitionOf(pool: pg.Pool, index: string): Promise<string | null> {
  const { rows } = await pool.query<{ def: string }>(
    'SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indexrelid = to_regclass($1)',
    [index],
  );
  return rows[0]?.def ?? null;
}

const average = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
