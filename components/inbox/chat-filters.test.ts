import { describe, expect, it } from 'vitest';
import { chatFilterOf, filterChats, filterCounts } from './chat-filters';

const chat = (id: string, over: Partial<Parameters<typeof filterChats>[0][number]> = {}) => ({
  id,
  unreadCount: 0,
  starred: false,
  archivedAt: null as string | null,
  lastMessageAt: '2026-01-01T10:00:00.000Z' as string | null,
  property: { id: 'p1', name: 'Cabin', city: null },
  ...over,
});

describe('chat filters', () => {
  const chats = [
    chat('unread', { unreadCount: 2 }),
    chat('starred', { starred: true }),
    chat('archived', { archivedAt: '2026-01-01T11:00:00.000Z' }),
    // Archived before its newest message: back in the inbox.
    chat('back', { archivedAt: '2026-01-01T09:00:00.000Z', unreadCount: 1 }),
    chat('starred-archived', { starred: true, archivedAt: '2026-01-01T11:00:00.000Z' }),
    chat('loft', { property: { id: 'p2', name: 'Loft', city: null } }),
  ];
  const ids = (list: Array<{ id: string }>) => list.map((c) => c.id);

  it('shows what is not archived under All, and a chat archived before its newest message again', () => {
    expect(ids(filterChats(chats, 'all', null))).toEqual(['unread', 'starred', 'back', 'loft']);
    expect(ids(filterChats(chats, 'unread', null))).toEqual(['unread', 'back']);
    expect(ids(filterChats(chats, 'starred', null))).toEqual(['starred', 'starred-archived']);
    expect(ids(filterChats(chats, 'archived', null))).toEqual(['archived', 'starred-archived']);
  });

  it('narrows to one property, and counts each filter', () => {
    expect(ids(filterChats(chats, 'all', 'p2'))).toEqual(['loft']);
    expect(filterCounts(chats, null)).toEqual({ all: 4, unread: 2, starred: 2, archived: 2 });
    expect(filterCounts(chats, 'p2')).toEqual({ all: 1, unread: 0, starred: 0, archived: 0 });
  });

  it('reads the filter from the URL, anything unknown being All', () => {
    expect(chatFilterOf('unread')).toBe('unread');
    expect(chatFilterOf('bogus')).toBe('all');
    expect(chatFilterOf(null)).toBe('all');
  });
});
