// History cursors. A position in a chat is (createdAt, id): timestamps can repeat, the id breaks
// the tie, and the pair matches the index idx_messages_chat_created (chat_id, created_at, id).
// On the wire a cursor is readable text, `<ISO time>_<message id>`. For the seed's clients a
// bare ISO time (its `before` parameter) is a position too, and a bare message id (as
// `fetchMissedMessages(chatId, afterId)` sends) is resolved to its position by the caller.
import { AppError } from '../errors';

export type CursorInput = { kind: 'position'; createdAt: Date; id: string | null } | { kind: 'messageId'; id: string };

export interface Position {
  createdAt: Date;
  /** null: "any message at this instant" (a bare time, as the seed sends). */
  id: string | null;
}

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)(?:_([a-z0-9]{1,64}))?$/;
const MESSAGE_ID = /^[a-z0-9]{8,64}$/;

export function encodeCursor(position: { createdAt: Date; id: string }): string {
  return `${position.createdAt.toISOString()}_${position.id}`;
}

export function parseCursor(value: string, parameter: 'before' | 'after' | 'cursor'): CursorInput {
  const match = POSITION.exec(value);
  if (match) {
    const createdAt = new Date(match[1]!);
    // Year 0 parses in JavaScript but is out of PostgreSQL's range (no year 0 there).
    if (Number.isNaN(createdAt.getTime()) || createdAt.getUTCFullYear() < 1) throw malformed(parameter);
    return { kind: 'position', createdAt, id: match[2] ?? null };
  }
  if (MESSAGE_ID.test(value)) return { kind: 'messageId', id: value };
  throw malformed(parameter);
}

function malformed(parameter: string): AppError {
  return new AppError(
    'VALIDATION',
    `"${parameter}" is not a valid cursor: use a cursor from a previous page, a message id or an ISO time`,
    {
      details: [{ path: [parameter], message: 'malformed cursor' }],
    },
  );
}

/** Strict ordering of two positions in a chat, the order of the history. */
export function comparePositions(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  const t = a.createdAt.getTime() - b.createdAt.getTime();
  if (t !== 0) return t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
