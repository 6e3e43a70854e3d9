// Scenario 5: the cost of the recipient's unread count that every notification carries, for a
// recipient with 100 vs 100,000 read messages (and 5 unread) in the chat.
//   ours: lib/chat countUnreadBoth (the total and this chat's count, both go with each
//         notification), which reads the per-chat counters kept by the messages triggers (one
//         row per chat of the recipient; a send reads the same counters inside its statement);
//   seed, our indexes: prisma.message.count({ where: { recipientId, readAt: null } }) — the seed's
//         getUnreadCount — on our schema, where the partial index serves it too;
//   seed, seed's indexes: the same query inside a transaction that first drops our partial index
//         and creates the seed schema's @@index([readAt]) (it already has recipient_id), measured,
//         then ROLLED BACK: nothing changes for anyone else (the DROP holds an exclusive lock on
//         messages meanwhile, so this runs alone).
import { makeChats, timeRepeated, type Stats } from '../common';
import type { BenchContext } from './context';

export interface UnreadResult {
  unreadMessages: number;
  ours: Record<string, Stats>;
  seedOurIndexes: Record<string, Stats>;
  seedSeedIndexes: Record<string, Stats>;
  seedRecipientOnly: Record<string, Stats>;
  method: string;
}

export async function unreadScenario(ctx: BenchContext): Promise<UnreadResult> {
  const sizes = [100, 100_000];
  const UNREAD = 5;
  const chats = await makeChats(ctx.pool, 'ur', sizes.length);
  for (const [k, size] of sizes.entries()) {
    const c = chats[k]!;
    await ctx.pool.query(
      `INSERT INTO messages (id, chat_id, sender_id, recipient_id, property_id, content, created_at, read_at)
       SELECT 'bur' || $6::int || lpad(i::text, 9, '0'), $1, $2, $3, $4, 'Message ' || i,
              timestamptz '2026-02-01 00:00:00+00' + i * interval '1 millisecond',
              CASE WHEN i <= $5::int THEN timestamptz '2026-02-02 00:00:00+00' END
       FROM generate_series(1, $5::int + $7::int) i`,
      [c.chatId, c.ownerId, c.guestId, c.propertyId, size, k, UNREAD],
    );
  }
  await ctx.pool.query('VACUUM ANALYZE messages');
  const { db } = await import('../../lib/db');
  const { countUnreadBoth } = await import('../../lib/chat');
  const ours: Record<string, Stats> = {};
  const seedOurIndexes: Record<string, Stats> = {};
  const seedSeedIndexes: Record<string, Stats> = {};
  const budget = ctx.quick ? 1_500 : 4_000;
  for (const [k, size] of sizes.entries()) {
    const c = chats[k]!;
    const pair = async () => {
      const { unreadCount, chatUnreadCount } = await countUnreadBoth(db, c.guestId, c.chatId);
      if (unreadCount !== UNREAD || chatUnreadCount !== UNREAD)
        throw new Error(`unread: ${unreadCount}/${chatUnreadCount}`);
    };
    for (let w = 0; w < 20; w++) await pair();
    ours[size] = await timeRepeated(500, budget, pair);
    const seedCount = async (client: Pick<typeof db, 'message'>) => {
      const n = await client.message.count({ where: { recipientId: c.guestId, readAt: null } });
      if (n !== UNREAD) throw new Error(`seed unread: ${n}`);
    };
    for (let w = 0; w < 20; w++) await seedCount(db);
    seedOurIndexes[size] = await timeRepeated(500, budget, () => seedCount(db));
  }
  // Rolled-back schema variants: the seed's (no partial unread index; @@index([recipientId]) and
  // @@index([readAt])), and recipient_id alone (what a COUNT(*) costs when no index knows read state).
  const seedRecipientOnly: Record<string, Stats> = {};
  class Rollback extends Error {}
  const variants: Array<[Record<string, Stats>, string[]]> = [
    [
      seedSeedIndexes,
      ['DROP INDEX idx_messages_unread', 'CREATE INDEX bench_seed_messages_read_at_idx ON messages (read_at)'],
    ],
    [seedRecipientOnly, ['DROP INDEX idx_messages_unread']],
  ];
  for (const [into, ddl] of variants) {
    await db
      .$transaction(
        async (tx) => {
          for (const statement of ddl) await tx.$executeRawUnsafe(statement);
          for (const [k, size] of sizes.entries()) {
            const c = chats[k]!;
            const seedCount = async () => {
              const n = await tx.message.count({ where: { recipientId: c.guestId, readAt: null } });
              if (n !== UNREAD) throw new Error(`seed unread: ${n}`);
            };
            for (let w = 0; w < 20; w++) await seedCount();
            into[size] = await timeRepeated(500, budget, seedCount);
          }
          throw new Rollback();
        },
        { timeout: 120_000, maxWait: 10_000 },
      )
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
  }
  const { rows } = await ctx.pool.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'idx_messages_unread'`);
  if (rows.length !== 1) throw new Error('unread: the partial index did not come back after the rollback');
  for (const size of sizes)
    ctx.log(
      `unread: ${size} read: ours p99 ${ours[size]!.p99Ms} ms, seed p99 ${seedOurIndexes[size]!.p99Ms} ms (our indexes), ${seedSeedIndexes[size]!.p99Ms} ms (seed's indexes)`,
    );
  return {
    unreadMessages: UNREAD,
    ours,
    seedOurIndexes,
    seedSeedIndexes,
    seedRecipientOnly,
    method:
      "seed's indexes: inside one transaction, DROP INDEX idx_messages_unread and CREATE INDEX on messages(read_at) (the seed schema's @@index([readAt]); recipient_id is indexed in both), measure, ROLLBACK; recipient-only: the same with only the DROP",
  };
}
