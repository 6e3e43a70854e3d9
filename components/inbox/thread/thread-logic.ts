// The thread view's decisions, as pure functions (no React, no DOM): what the optimistic
// messages look like, which message to mark read, where to scroll, when a typing notice expires.
import type { MessageDto } from '@/lib/chat/message-dto';
import type { ThreadMessage } from '@/lib/client/merge';
import { LOCAL_ID_PREFIX, type OutboxItem } from '@/lib/client/outbox';

type Person = MessageDto['sender'];

/** The chat's messages still in the outbox, shaped as messages ("sending", or "failed"). */
export function pendingMessages(
  outbox: readonly OutboxItem[],
  chatId: string,
  me: Person,
  otherParty: Person | undefined,
): ThreadMessage[] {
  return outbox
    .filter((i) => i.chatId === chatId && !i.change)
    .map((i) => ({
      id: `${LOCAL_ID_PREFIX}${i.clientMessageId}`,
      chatId,
      senderId: me.id,
      recipientId: otherParty?.id ?? '',
      propertyId: null,
      content: i.content,
      clientMessageId: i.clientMessageId,
      createdAt: i.createdAt,
      readAt: null,
      editedAt: null,
      unsentAt: null,
      sender: { id: me.id, name: me.name, role: me.role },
      recipient: otherParty ?? { id: '', name: '', role: 'OWNER' },
      property: null,
      files: [],
      reactions: [],
      replyTo: i.replyTo ?? null,
      status: i.status === 'failed' ? 'failed' : 'sending',
      ...(i.status === 'failed' && i.lastError ? { sendError: i.lastError } : {}),
    }));
}

/**
 * The thread as the user expects it after their own edits and unsends, including those still
 * waiting in the outbox (offline): each shown at once, marked as waiting (or refused).
 */
export function withPendingChanges(
  messages: readonly ThreadMessage[],
  outbox: readonly OutboxItem[],
  chatId: string,
  me: { id: string; name: string },
): ThreadMessage[] {
  const changes = outbox.filter((i) => i.chatId === chatId && i.change);
  if (!changes.length) return [...messages];
  return messages.map((message) => {
    let shown = message;
    for (const item of changes) {
      const { messageId, clientMessageId } = item.change!;
      const names = messageId ? messageId === message.id : clientMessageId === message.clientMessageId;
      if (!names || message.unsentAt) continue;
      const change = {
        kind: item.change!.kind,
        outboxId: item.clientMessageId,
        status: item.status === 'failed' ? ('failed' as const) : ('sending' as const),
        ...(item.lastError && item.status === 'failed' ? { error: item.lastError.message } : {}),
      };
      // A refused change shows the message as it is, with the refusal.
      if (change.status === 'failed') shown = { ...shown, change };
      else if (change.kind === 'edit') shown = { ...shown, content: item.content, change };
      else if (change.kind === 'react')
        shown = { ...shown, reactions: withReaction(shown.reactions, me, item.change!.reaction!) };
      else shown = { ...shown, content: '', files: [], unsentAt: item.createdAt, change };
    }
    return shown;
  });
}

/** Reactions as they will be once `reaction` (by `me`) is stored: put on or taken off. */
export function withReaction(
  reactions: ThreadMessage['reactions'],
  me: { id: string; name: string },
  reaction: { emoji: string; on: boolean },
): ThreadMessage['reactions'] {
  const others = reactions.map((r) =>
    r.emoji === reaction.emoji ? { ...r, users: r.users.filter((u) => u.id !== me.id) } : r,
  );
  const withMine = others.some((r) => r.emoji === reaction.emoji)
    ? others.map((r) => (r.emoji === reaction.emoji && reaction.on ? { ...r, users: [...r.users, me] } : r))
    : reaction.on
      ? [...others, { emoji: reaction.emoji, users: [me] }]
      : others;
  return withMine.filter((r) => r.users.length > 0);
}

/** The newest stored message sent to `userId` and not read yet: reading it marks all before it. */
export function newestUnreadIdFor(messages: readonly ThreadMessage[], userId: string): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.recipientId === userId && !m.readAt && !m.status) return m.id;
  }
  return undefined;
}

/** Where the scroller was before older messages were added above. */
export interface ScrollAnchor {
  height: number;
  top: number;
}

/** The scrollTop that shows the same messages as before `anchor`, now that the content is taller. */
export function anchoredScrollTop(anchor: ScrollAnchor, scrollHeight: number): number {
  return anchor.top + (scrollHeight - anchor.height);
}

/** Close enough to the bottom that new messages should keep the view there. */
export function isNearBottom(el: { scrollHeight: number; scrollTop: number; clientHeight: number }): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
}

/** How long until a typing notice that lasts until `until` should be hidden (a little after). */
export function typingExpiryDelay(until: number, now: number): number {
  return Math.max(0, until - now + 20);
}

/** Whether `message` starts a new day after `previous` (a day separator goes before it). */
export function startsNewDay(previous: { createdAt: string } | undefined, message: { createdAt: string }): boolean {
  return !previous || new Date(previous.createdAt).toDateString() !== new Date(message.createdAt).toDateString();
}

/**
 * How far apart two messages of one sender may be and still read as one group (tighter spacing,
 * the time shown once, on the group's last message).
 */
export const GROUP_WINDOW_MINUTES = 5;

type Groupable = Pick<ThreadMessage, 'senderId' | 'createdAt' | 'unsentAt'>;

/** Whether `message` continues the group of `previous`: same sender, same day, within the window. */
export function continuesGroup(previous: Groupable | undefined, message: Groupable): boolean {
  if (!previous || previous.senderId !== message.senderId) return false;
  // An unsent placeholder stands on its own: it has no time of its own to share.
  if (previous.unsentAt || message.unsentAt) return false;
  if (startsNewDay(previous, message)) return false;
  const gap = new Date(message.createdAt).getTime() - new Date(previous.createdAt).getTime();
  return gap >= 0 && gap <= GROUP_WINDOW_MINUTES * 60_000;
}

/** Where each message sits in its group: whether one starts it and whether one ends it. */
export function groupPositions(messages: readonly Groupable[]): Array<{ first: boolean; last: boolean }> {
  return messages.map((message, i) => ({
    first: !continuesGroup(messages[i - 1], message),
    last: !messages[i + 1] || !continuesGroup(message, messages[i + 1]!),
  }));
}

/**
 * The oldest stored message sent to `userId` and not read yet: the "New messages" divider goes
 * before it. Taken when the thread opens (opening marks them read).
 */
export function firstUnreadIdFor(messages: readonly ThreadMessage[], userId: string): string | undefined {
  return messages.find((m) => m.recipientId === userId && !m.readAt && !m.status && !m.unsentAt)?.id;
}

/**
 * The messages after `sinceId` (the newest one the reader had seen): what "Jump to latest" counts
 * and what the live region announces. None when `sinceId` is unknown or no longer in the thread
 * (the first load, another page of history): those are not arrivals.
 */
export function messagesAfter<T extends { id: string }>(messages: readonly T[], sinceId: string | undefined): T[] {
  if (!sinceId) return [];
  const at = messages.findIndex((m) => m.id === sinceId);
  return at < 0 ? [] : messages.slice(at + 1);
}

/** What the live region says of a newly arrived message. */
export function announcementOf(message: Pick<ThreadMessage, 'sender' | 'content' | 'files'>): string {
  const files = message.files.length;
  const text =
    message.content || (files === 1 ? 'an attachment' : files > 1 ? `${files} attachments` : 'an empty message');
  return `${message.sender.name}: ${text}`;
}
