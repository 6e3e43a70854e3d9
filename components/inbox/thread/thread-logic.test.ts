// The thread view's pure decisions: optimistic messages, which message to mark read, scroll
// anchoring, typing-notice expiry, day separators, grouping, the unread divider and arrivals.
import { describe, expect, it } from 'vitest';
import type { ThreadMessage } from '@/lib/client/merge';
import type { OutboxItem } from '@/lib/client/outbox';
import {
  announcementOf,
  anchoredScrollTop,
  continuesGroup,
  firstUnreadIdFor,
  GROUP_WINDOW_MINUTES,
  groupPositions,
  isNearBottom,
  messagesAfter,
  newestUnreadIdFor,
  pendingMessages,
  startsNewDay,
  typingExpiryDelay,
  withPendingChanges,
} from './thread-logic';

const me = { id: 'u-me', name: 'Me', role: 'GUEST' as const };
const other = { id: 'u-other', name: 'Other', role: 'OWNER' as const };

function item(over: Partial<OutboxItem>): OutboxItem {
  return {
    clientMessageId: 'c1',
    chatId: 'chat-1',
    content: 'hi',
    attachments: [],
    createdAt: '2026-01-01T10:00:00.000Z',
    seq: 0,
    attempts: 0,
    status: 'pending',
    ...over,
  };
}

function stored(over: Partial<ThreadMessage>): ThreadMessage {
  return {
    id: 'm1',
    chatId: 'chat-1',
    senderId: other.id,
    recipientId: me.id,
    propertyId: null,
    content: 'x',
    clientMessageId: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    readAt: null,
    sender: other,
    recipient: me,
    property: null,
    files: [],
    reactions: [],
    ...over,
  } as ThreadMessage;
}

describe('pendingMessages', () => {
  it("shapes this chat's outbox items as messages from me to the other party", () => {
    const out = pendingMessages(
      [
        item({ clientMessageId: 'a' }),
        item({ clientMessageId: 'b', chatId: 'chat-2' }),
        item({ clientMessageId: 'c', status: 'failed' }),
      ],
      'chat-1',
      me,
      other,
    );
    expect(out.map((m) => [m.id, m.status])).toEqual([
      ['local:a', 'sending'],
      ['local:c', 'failed'],
    ]);
    expect(out[0]).toMatchObject({
      chatId: 'chat-1',
      senderId: me.id,
      recipientId: other.id,
      content: 'hi',
      clientMessageId: 'a',
      createdAt: '2026-01-01T10:00:00.000Z',
      readAt: null,
      sender: me,
      recipient: other,
      files: [],
    });
  });

  it("carries a refused send's reason (BLOCKED) so the bubble can say why; a retrying one has none", () => {
    const blocked = { code: 'BLOCKED' as const, message: 'they blocked you' };
    const [failed, waiting] = pendingMessages(
      [
        item({ clientMessageId: 'a', status: 'failed', lastError: blocked }),
        item({ clientMessageId: 'b', lastError: { code: 'TIMEOUT', message: 'no answer' } }),
      ],
      'chat-1',
      me,
      other,
    );
    expect(failed).toMatchObject({ status: 'failed', sendError: blocked });
    expect(waiting!.sendError).toBeUndefined();
  });

  it('before the chat list has loaded, the recipient is a blank placeholder', () => {
    const [m] = pendingMessages([item({})], 'chat-1', me, undefined);
    expect(m).toMatchObject({ recipientId: '', recipient: { id: '', name: '', role: 'OWNER' } });
  });
});

describe('newestUnreadIdFor', () => {
  it('is the newest stored message to the user that is not read', () => {
    const messages = [
      stored({ id: 'a' }),
      stored({ id: 'b' }),
      stored({ id: 'c', readAt: '2026-01-01T11:00:00.000Z' }),
      stored({ id: 'd', senderId: me.id, recipientId: other.id }),
      stored({ id: 'e', status: 'sending', recipientId: me.id }),
    ];
    expect(newestUnreadIdFor(messages, me.id)).toBe('b');
  });

  it('is undefined when nothing to the user is unread', () => {
    expect(newestUnreadIdFor([], me.id)).toBeUndefined();
    expect(newestUnreadIdFor([stored({ readAt: '2026-01-01T11:00:00.000Z' })], me.id)).toBeUndefined();
  });
});

describe('scrolling', () => {
  it('keeps the same messages in view when older ones are added above', () => {
    expect(anchoredScrollTop({ height: 1000, top: 30 }, 1600)).toBe(630);
    expect(anchoredScrollTop({ height: 1000, top: 30 }, 1000)).toBe(30);
  });

  it('near the bottom means less than 80px below the view', () => {
    expect(isNearBottom({ scrollHeight: 1000, scrollTop: 500, clientHeight: 500 })).toBe(true);
    expect(isNearBottom({ scrollHeight: 1000, scrollTop: 421, clientHeight: 500 })).toBe(true);
    expect(isNearBottom({ scrollHeight: 1000, scrollTop: 420, clientHeight: 500 })).toBe(false);
  });
});

describe('typingExpiryDelay', () => {
  it('fires a little after the notice expires, at once if it already has', () => {
    expect(typingExpiryDelay(5000, 2000)).toBe(3020);
    expect(typingExpiryDelay(5000, 9000)).toBe(0);
  });
});

describe('startsNewDay', () => {
  it('is true for the first message and when the local calendar day changes', () => {
    const at = (createdAt: string) => ({ createdAt });
    expect(startsNewDay(undefined, at('2026-01-01T10:00:00.000Z'))).toBe(true);
    expect(startsNewDay(at('2026-01-01T10:00:00.000Z'), at('2026-01-01T10:05:00.000Z'))).toBe(false);
    const a = new Date(2026, 0, 1, 23, 59).toISOString();
    const b = new Date(2026, 0, 2, 0, 1).toISOString();
    expect(startsNewDay(at(a), at(b))).toBe(true);
  });
});

describe('withPendingChanges', () => {
  const mine = stored({ id: 'm9', senderId: me.id, recipientId: other.id, content: 'at 5pm' });
  const edit = item({ clientMessageId: 'k-edit', content: 'at 6pm', change: { kind: 'edit', messageId: 'm9' } });
  const unsend = item({ clientMessageId: 'k-unsend', content: '', change: { kind: 'unsend', messageId: 'm9' } });

  it('shows a waiting edit at once, marked as waiting', () => {
    expect(withPendingChanges([mine], [edit], 'chat-1', me)).toEqual([
      { ...mine, content: 'at 6pm', change: { kind: 'edit', status: 'sending', outboxId: 'k-edit' } },
    ]);
  });

  it('shows a waiting unsend as unsent, text and files gone', () => {
    const [shown] = withPendingChanges([{ ...mine, files: [] }], [edit, unsend], 'chat-1', me);
    expect(shown).toMatchObject({ content: '', unsentAt: unsend.createdAt, change: { kind: 'unsend' } });
  });

  it('shows a refused change with its reason, over the message as it is', () => {
    const refused = {
      ...edit,
      status: 'failed' as const,
      lastError: { code: 'WINDOW_CLOSED' as const, message: 'Too late' },
    };
    expect(withPendingChanges([mine], [refused], 'chat-1', me)[0]).toMatchObject({
      content: 'at 5pm',
      change: { status: 'failed', error: 'Too late' },
    });
  });

  it('leaves other chats, other messages and sends alone; pendingMessages skips changes', () => {
    const elsewhere = { ...edit, chatId: 'chat-2' };
    expect(withPendingChanges([mine], [elsewhere, item({})], 'chat-1', me)).toEqual([mine]);
    expect(pendingMessages([edit, unsend], 'chat-1', me, other)).toEqual([]);
  });
});

describe('grouping', () => {
  const at = (minutes: number, senderId = other.id, over: Partial<ThreadMessage> = {}) =>
    stored({ senderId, createdAt: new Date(Date.UTC(2026, 0, 1, 10, minutes)).toISOString(), ...over });

  it('continues a group for one sender within the window, not past it nor across senders', () => {
    expect(continuesGroup(undefined, at(0))).toBe(false);
    expect(continuesGroup(at(0), at(GROUP_WINDOW_MINUTES))).toBe(true);
    expect(continuesGroup(at(0), at(GROUP_WINDOW_MINUTES + 1))).toBe(false);
    expect(continuesGroup(at(0), at(1, me.id))).toBe(false);
    expect(continuesGroup(at(0, other.id, { unsentAt: '2026-01-01T10:00:30.000Z' }), at(1))).toBe(false);
  });

  it('does not group across midnight, local time', () => {
    const a = stored({ createdAt: new Date(2026, 0, 1, 23, 59).toISOString() });
    const b = stored({ createdAt: new Date(2026, 0, 2, 0, 1).toISOString() });
    expect(continuesGroup(a, b)).toBe(false);
  });

  it('marks where each group starts and ends', () => {
    const messages = [at(0), at(1), at(2), at(3, me.id), at(30, me.id)];
    expect(groupPositions(messages)).toEqual([
      { first: true, last: false },
      { first: false, last: false },
      { first: false, last: true },
      { first: true, last: true },
      { first: true, last: true },
    ]);
  });
});

describe('firstUnreadIdFor', () => {
  it('is the oldest stored message to the user not read yet', () => {
    const messages = [
      stored({ id: 'a', readAt: '2026-01-01T10:01:00.000Z' }),
      stored({ id: 'b', senderId: me.id, recipientId: other.id }),
      stored({ id: 'c' }),
      stored({ id: 'd' }),
    ];
    expect(firstUnreadIdFor(messages, me.id)).toBe('c');
    expect(firstUnreadIdFor(messages.slice(0, 2), me.id)).toBeUndefined();
    expect(firstUnreadIdFor([stored({ id: 'u', unsentAt: '2026-01-01T10:00:00.000Z' })], me.id)).toBeUndefined();
  });
});

describe('messagesAfter', () => {
  const list = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  it('is what came after the given message, nothing when it is unknown or gone', () => {
    expect(messagesAfter(list, 'a').map((m) => m.id)).toEqual(['b', 'c']);
    expect(messagesAfter(list, 'c')).toEqual([]);
    expect(messagesAfter(list, undefined)).toEqual([]);
    expect(messagesAfter(list, 'zz')).toEqual([]);
  });
});

describe('announcementOf', () => {
  it('names the sender and says the text, or what was attached', () => {
    expect(announcementOf(stored({ content: 'See you at 5' }))).toBe('Other: See you at 5');
    const file = { id: 'f' } as ThreadMessage['files'][number];
    expect(announcementOf(stored({ content: '', files: [file] }))).toBe('Other: an attachment');
    expect(announcementOf(stored({ content: '', files: [file, file] }))).toBe('Other: 2 attachments');
  });
});
