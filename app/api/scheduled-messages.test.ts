// Scheduled messages over REST, end to end: real HTTP to the route handlers (GET/POST
// /api/chats/:chatId/scheduled, PATCH/DELETE /api/scheduled/:id, POST /api/scheduled/:id/send-now),
// real auth, real PostgreSQL. The happy path, then bad input: each gets its coded error, with
// nothing changed and nothing leaked (someone else's scheduled message answers exactly as one that
// does not exist).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { MAX_CONTENT_LENGTH } from '@/lib/chat';
import { createChat, createUser, sessionCookie } from '@/test/fixtures';
import { routeCaller, startRouteServer, type Answer } from '@/test/route-server';

let server: Awaited<ReturnType<typeof startRouteServer>>;
let base: string;
const call = routeCaller(() => base);
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

let world: Awaited<ReturnType<typeof createChat>>;
let guestAuth: Record<string, string>;
let strangerAuth: Record<string, string>;
let guestsRow: string;

/** Everything a refused call must leave untouched. */
async function fingerprint() {
  const [row] = await db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT (SELECT count(*) FROM messages)::int AS messages,
           (SELECT md5(string_agg(id || ':' || content || ':' || send_at || ':' || status, ',' ORDER BY id))
              FROM scheduled_messages) AS scheduled`;
  return row;
}

beforeAll(async () => {
  server = await startRouteServer();
  base = server.url;
  world = await createChat(db);
  guestAuth = { cookie: (await sessionCookie(db, world.guest.id)).cookie };
  strangerAuth = { cookie: (await sessionCookie(db, (await createUser(db)).id)).cookie };
  const created = await call('POST', `/api/chats/${world.chat.id}/scheduled`, {
    headers: guestAuth,
    json: { content: 'kept for the bad-input cases', sendAt: inMinutes(60) },
  });
  guestsRow = created.body.data.id;
});
afterAll(() => server.close());

describe('scheduled messages over REST', () => {
  it('schedules (201), lists, edits, sends now and cancels', async () => {
    const path = `/api/chats/${world.chat.id}/scheduled`;
    const sendAt = inMinutes(30);
    const created = await call('POST', path, { headers: guestAuth, json: { content: 'See you at 4', sendAt } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      content: 'See you at 4',
      sendAt,
      status: 'pending',
      chatId: world.chat.id,
    });
    const id = created.body.data.id as string;

    const listed = await call('GET', path, { headers: guestAuth });
    expect(listed.body.data.map((s: { id: string }) => s.id)).toContain(id);

    const edited = await call('PATCH', `/api/scheduled/${id}`, {
      headers: guestAuth,
      json: { content: 'See you at 5' },
    });
    expect(edited).toMatchObject({ status: 200, body: { data: { content: 'See you at 5', sendAt } } });

    const sent = await call('POST', `/api/scheduled/${id}/send-now`, { headers: guestAuth });
    expect(sent).toMatchObject({ status: 200, body: { data: { status: 'sent' } } });
    const message = await db.message.findUniqueOrThrow({ where: { id: sent.body.data.sentMessageId } });
    expect(message).toMatchObject({ content: 'See you at 5', senderId: world.guest.id });
    const again = await call('POST', `/api/scheduled/${id}/send-now`, { headers: guestAuth });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });

    const other = await call('POST', path, { headers: guestAuth, json: { content: 'never mind', sendAt } });
    const cancelled = await call('DELETE', `/api/scheduled/${other.body.data.id}`, { headers: guestAuth });
    expect(cancelled.status).toBe(200);
    const after = await call('GET', path, { headers: guestAuth });
    expect(after.body.data.map((s: { id: string }) => s.id)).toEqual([guestsRow]);
  });
});

describe('bad input: each gets its coded error and nothing changes', () => {
  const chatPath = () => `/api/chats/${world.chat.id}/scheduled`;
  type Case = [
    name: string,
    run: () => Promise<{ status: number; body: Answer }>,
    status: number,
    code: string,
    path?: string[],
  ];
  const post = (json: unknown, auth = guestAuth) => call('POST', chatPath(), { headers: auth, json });
  const cases: Case[] = [
    [
      'no credentials',
      () => call('POST', chatPath(), { json: { content: 'x', sendAt: inMinutes(5) } }),
      401,
      'UNAUTHENTICATED',
    ],
    ['no credentials on list', () => call('GET', chatPath()), 401, 'UNAUTHENTICATED'],
    ['no credentials on send now', () => call('POST', `/api/scheduled/${guestsRow}/send-now`), 401, 'UNAUTHENTICATED'],
    ['a time in the past', () => post({ content: 'x', sendAt: inMinutes(-1) }), 400, 'VALIDATION', ['sendAt']],
    [
      'more than a year ahead',
      () => post({ content: 'x', sendAt: inMinutes(366 * 24 * 60) }),
      400,
      'VALIDATION',
      ['sendAt'],
    ],
    ['a time that is not one', () => post({ content: 'x', sendAt: 'next tuesday' }), 400, 'VALIDATION', ['sendAt']],
    ['no time', () => post({ content: 'x' }), 400, 'VALIDATION', ['sendAt']],
    ['empty content', () => post({ content: '', sendAt: inMinutes(5) }), 400, 'VALIDATION', ['content']],
    [
      'invisible content',
      () => post({ content: '\u200b\u200f', sendAt: inMinutes(5) }),
      400,
      'VALIDATION',
      ['content'],
    ],
    [
      'too long content',
      () => post({ content: 'x'.repeat(MAX_CONTENT_LENGTH + 1), sendAt: inMinutes(5) }),
      400,
      'VALIDATION',
      ['content'],
    ],
    [
      'an edit into the past',
      () => call('PATCH', `/api/scheduled/${guestsRow}`, { headers: guestAuth, json: { sendAt: inMinutes(-5) } }),
      400,
      'VALIDATION',
      ['sendAt'],
    ],
    [
      'an empty edit',
      () => call('PATCH', `/api/scheduled/${guestsRow}`, { headers: guestAuth, json: {} }),
      400,
      'VALIDATION',
    ],
    ['a chat the user is not in', () => post({ content: 'x', sendAt: inMinutes(5) }, strangerAuth), 404, 'NOT_FOUND'],
    ['listing a chat the user is not in', () => call('GET', chatPath(), { headers: strangerAuth }), 404, 'NOT_FOUND'],
    [
      'SQL-ish chat id',
      () => call('GET', `/api/chats/${encodeURIComponent("x' OR 1=1 --")}/scheduled`, { headers: guestAuth }),
      400,
      'VALIDATION',
    ],
  ];
  // Someone else's scheduled message and one that does not exist: the same answer, word for word.
  for (const [label, id] of [
    ["someone else's", () => guestsRow],
    ['a nonexistent', () => 'cnotarealid000000000000000'],
  ] as const) {
    cases.push(
      [
        `editing ${label}`,
        () => call('PATCH', `/api/scheduled/${id()}`, { headers: strangerAuth, json: { content: 'mine now' } }),
        404,
        'NOT_FOUND',
      ],
      [
        `cancelling ${label}`,
        () => call('DELETE', `/api/scheduled/${id()}`, { headers: strangerAuth }),
        404,
        'NOT_FOUND',
      ],
      [
        `sending ${label} now`,
        () => call('POST', `/api/scheduled/${id()}/send-now`, { headers: strangerAuth }),
        404,
        'NOT_FOUND',
      ],
    );
  }

  it.each(cases)('%s → %i %s', async (_name, run, status, code, path) => {
    const before = await fingerprint();
    const res = await run();
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (path) expect(res.body.error.details[0].path).toEqual(path);
    expect(JSON.stringify(res.body)).not.toMatch(/prisma|SELECT|postgres|stack|kept for the bad-input/i);
    expect(await fingerprint()).toEqual(before);
  });

  it("answers someone else's scheduled message exactly as a nonexistent one", async () => {
    const answer = async (id: string) =>
      (await call('PATCH', `/api/scheduled/${id}`, { headers: strangerAuth, json: { content: 'x' } })).body;
    expect(await answer(guestsRow)).toEqual(await answer('cnotarealid000000000000000'));
  });
});
