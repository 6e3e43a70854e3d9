// A member's own view of a chat as the server answers it and the browser keeps it (no server
// code here: the browser imports it). Archiving records a time: a chat is archived while nothing
// newer than that arrived, so a new message brings it back to the inbox with no write on the
// send path; isArchived is that one rule, for the server's answers and the browser's live list.

export interface ChatPreferences {
  starred: boolean;
  /** When the member archived the chat; see isArchived. */
  archivedAt: string | null;
}

/** Archived, and no message arrived since (`lastMessageAt` as ISO strings or null). */
export function isArchived(chat: { archivedAt: string | null; lastMessageAt: string | null }): boolean {
  return chat.archivedAt !== null && (chat.lastMessageAt === null || chat.lastMessageAt <= chat.archivedAt);
}
