// Reconciliation of a chat's messages in the browser. Messages reach the client by several
// roads (history pages, live events, acks of its own sends, catch-up after a reconnect), often
// twice; this pure merge is the single place that makes them one ordered list.
// Rules: one entry per id (the copy showing its latest edit or unsend); a stored message replaces
// the optimistic copy with the same clientMessageId; stored messages are ordered by (createdAt, id), the server's order; messages
// still waiting in the outbox follow, in the order they were typed.
import { quoteOf, type MessageDto } from '../chat/message-dto';

export type DeliveryStatus = 'sending' | 'failed';

/** A message on screen: stored (from the server) or pending (optimistic, from the outbox). */
export type ThreadMessage = MessageDto & {
  status?: DeliveryStatus;
  /** Why a failed send was refused (its code and the server's words), shown with it. */
  sendError?: { code: string; message: string };
  /** An edit or unsend of this stored message waiting in the outbox (shown already), or refused. */
  change?: { kind: 'edit' | 'unsend' | 'react'; status: DeliveryStatus; error?: string; outboxId: string };
};

export function isPending(message: ThreadMessage): boolean {
  return message.status !== undefined;
}

function compareStored(a: ThreadMessage, b: ThreadMessage): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function mergeMessages(existing: readonly ThreadMessage[], incoming: readonly ThreadMessage[]): ThreadMessage[] {
  const stored = new Map<string, ThreadMessage>();
  const pending = new Map<string, ThreadMessage>(); // by clientMessageId, insertion order kept
  for (const message of [...existing, ...incoming]) {
    if (isPending(message)) {
      if (message.clientMessageId) pending.set(message.clientMessageId, message);
      continue;
    }
    const previous = stored.get(message.id);
    stored.set(message.id, previous ? latestCopy(previous, message) : message);
  }
  const storedKeys = new Set<string>();
  for (const message of stored.values()) if (message.clientMessageId) storedKeys.add(message.clientMessageId);
  const stillPending = [...pending.values()].filter((m) => !storedKeys.has(m.clientMessageId!));
  return [...[...stored.values()].sort(compareStored), ...stillPending];
}

/**
 * Of two copies of one stored message, the one that shows its latest state: an unsend is final,
 * a later edit beats an earlier one (copies arrive in any order: a history page computed before
 * an edit may land after it); on a tie the later copy. A read time is kept from either.
 */
export function latestCopy(previous: ThreadMessage, next: ThreadMessage): ThreadMessage {
  const rank = (m: ThreadMessage) => (m.unsentAt ? Number.MAX_SAFE_INTEGER : m.editedAt ? Date.parse(m.editedAt) : 0);
  const winner = rank(next) >= rank(previous) ? next : previous;
  const readAt = winner.readAt ?? previous.readAt ?? next.readAt;
  return readAt === winner.readAt ? winner : { ...winner, readAt };
}

/**
 * Replaces the copies of `message` (edited, unsent) where it is already shown, and the quotes of
 * it in replies; adds nothing.
 */
export function applyMessageUpdate(messages: readonly ThreadMessage[], message: MessageDto): ThreadMessage[] {
  return messages.map((m) => {
    if (m.id === message.id) return latestCopy(m, message);
    if (m.replyTo?.id !== message.id || m.replyTo.state === 'unsent') return m; // an unsend is final
    return { ...m, replyTo: quoteOf(message.id, { ...message, fileCount: message.files.length }) };
  });
}

/** Sets readAt on the given ids (a read receipt), leaving everything else as it is. */
export function applyReadReceipt(
  messages: readonly ThreadMessage[],
  messageIds: readonly string[],
  readAt: string,
): ThreadMessage[] {
  const ids = new Set(messageIds);
  return messages.map((m) => (ids.has(m.id) && !m.readAt ? { ...m, readAt } : m));
}
