import { describe, expect, it } from 'vitest';
import { applyMessageUpdate, applyReadReceipt, latestCopy, mergeMessages, type ThreadMessage } from './merge';

let seq = 0;
function msg(partial: Partial<ThreadMessage> & { id: string }): ThreadMessage {
  return {
    chatId: 'c',
    senderId: 'u1',
    recipientId: 'u2',
    propertyId: null,
    content: `m${seq++}`,
    clientMessageId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    readAt: null,
    editedAt: null,
    unsentAt: null,
    sender: { id: 'u1', name: 'U1', role: 'GUEST' },
    recipient: { id: 'u2', name: 'U2', role: 'OWNER' },
    property: null,
    files: [],
    reactions: [],
    replyTo: null,
    ...partial,
  };
}

describe('mergeMessages', () => {
  it('dedupes by id and orders by time, then id for equal times', () => {
    const a = msg({ id: 'a', createdAt: '2026-01-01T00:00:01.000Z' });
    const b = msg({ id: 'b', createdAt: '2026-01-01T00:00:01.000Z' });
    const c = msg({ id: 'c', createdAt: '2026-01-01T00:00:00.500Z' });
    expect(mergeMessages([b, a], [a, c, b]).map((m) => m.id)).toEqual(['c', 'a', 'b']);
  });

  it('replaces the optimistic copy with the stored message of the same clientMessageId', () => {
    const optimistic = msg({
      id: 'local:k1',
      clientMessageId: 'k1',
      status: 'sending',
      createdAt: '2026-01-01T00:00:09.000Z',
    });
    const stored = msg({ id: 'srv1', clientMessageId: 'k1', createdAt: '2026-01-01T00:00:02.000Z' });
    const merged = mergeMessages([optimistic], [stored]);
    expect(merged).toEqual([stored]);
  });

  it('keeps pending messages after the stored ones, in the order they were typed', () => {
    const p1 = msg({ id: 'local:1', clientMessageId: '1', status: 'sending', createdAt: '2026-01-01T00:00:05.000Z' });
    const p2 = msg({ id: 'local:2', clientMessageId: '2', status: 'failed', createdAt: '2026-01-01T00:00:03.000Z' });
    const s = msg({ id: 's', createdAt: '2026-01-01T00:00:10.000Z' });
    expect(mergeMessages([p1, p2], [s]).map((m) => m.id)).toEqual(['s', 'local:1', 'local:2']);
  });

  it('does not lose a read receipt when an older copy of the message arrives again', () => {
    const read = msg({ id: 'x', readAt: '2026-01-01T00:01:00.000Z' });
    const stale = { ...read, readAt: null };
    expect(mergeMessages([read], [stale])[0]!.readAt).toBe('2026-01-01T00:01:00.000Z');
  });

  it('merging a catch-up page that overlaps live events yields each message once', () => {
    const live = [
      msg({ id: 'm3', createdAt: '2026-01-01T00:00:03.000Z' }),
      msg({ id: 'm4', createdAt: '2026-01-01T00:00:04.000Z' }),
    ];
    const page = ['m2', 'm3', 'm4', 'm5'].map((id, i) => msg({ id, createdAt: `2026-01-01T00:00:0${i + 2}.000Z` }));
    expect(mergeMessages(live, page).map((m) => m.id)).toEqual(['m2', 'm3', 'm4', 'm5']);
  });
});

describe('applyReadReceipt', () => {
  it('sets readAt on the named unread messages only', () => {
    const list = [msg({ id: 'a' }), msg({ id: 'b', readAt: '2026-01-01T00:00:00.000Z' }), msg({ id: 'c' })];
    const out = applyReadReceipt(list, ['a', 'b'], '2026-02-02T00:00:00.000Z');
    expect(out.map((m) => m.readAt)).toEqual(['2026-02-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z', null]);
  });
});

describe('latestCopy / applyMessageUpdate', () => {
  const original = msg({ id: 'e', content: 'at 5pm' });
  const edited = { ...original, content: 'at 6pm', editedAt: '2026-01-01T00:05:00.000Z' };
  const editedAgain = { ...original, content: 'at 7pm', editedAt: '2026-01-01T00:06:00.000Z' };
  const unsent = { ...original, content: '', files: [], unsentAt: '2026-01-01T00:07:00.000Z' };

  it('keeps the latest state whatever order the copies arrive in: unsend is final, a later edit wins', () => {
    expect(mergeMessages([edited], [original])[0]!.content).toBe('at 6pm');
    expect(mergeMessages([editedAgain], [edited])[0]!.content).toBe('at 7pm');
    expect(mergeMessages([edited], [editedAgain])[0]!.content).toBe('at 7pm');
    expect(mergeMessages([unsent], [editedAgain])[0]!.unsentAt).toBe(unsent.unsentAt);
    expect(latestCopy(unsent, original).content).toBe('');
  });

  it('keeps a read time known to either copy', () => {
    const read = { ...original, readAt: '2026-01-01T00:04:00.000Z' };
    expect(latestCopy(read, edited)).toMatchObject({ content: 'at 6pm', readAt: read.readAt });
  });

  it('replaces only the copy it names, and adds nothing to a thread that does not show it', () => {
    const other = msg({ id: 'o' });
    expect(applyMessageUpdate([original, other], edited)).toEqual([edited, other]);
    expect(applyMessageUpdate([other], edited)).toEqual([other]);
  });
});

describe('applyMessageUpdate on quotes', () => {
  const quoted = (content: string) => ({
    id: 'orig',
    state: 'available' as const,
    sender: { id: 'u1', name: 'U1' },
    excerpt: content,
    fileCount: 0,
  });

  it('requotes a reply when its original is edited, and shows it unsent once unsent, for good', () => {
    const reply = msg({ id: 'r', replyTo: quoted('Arriving at 5') });
    const edited = applyMessageUpdate([reply], msg({ id: 'orig', content: 'Arriving at 6\nsee you', editedAt: 'x' }));
    expect(edited[0]!.replyTo).toEqual(quoted('Arriving at 6'));
    const unsent = applyMessageUpdate(edited, msg({ id: 'orig', content: '', unsentAt: '2026-01-01T00:00:09.000Z' }));
    expect(unsent[0]!.replyTo).toEqual({ id: 'orig', state: 'unsent', sender: { id: 'u1', name: 'U1' } });
    // A late copy of the edit does not bring the text back.
    const late = applyMessageUpdate(unsent, msg({ id: 'orig', content: 'Arriving at 6', editedAt: 'x' }));
    expect(late[0]!.replyTo?.state).toBe('unsent');
  });

  it('leaves replies to other messages alone', () => {
    const reply = msg({ id: 'r', replyTo: quoted('hello') });
    expect(applyMessageUpdate([reply], msg({ id: 'other', content: 'changed' }))[0]).toBe(reply);
  });
});
