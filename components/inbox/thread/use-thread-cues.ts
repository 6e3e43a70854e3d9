// What the thread tells a reader beyond the messages themselves: where the unread messages begin
// when it opens (the "New messages" divider, fixed at that moment: opening marks them read), which
// of the other party's messages arrived while the reader was up in the history (the count on
// "Jump to latest"), and the arrivals a screen reader announces, each once: never the history
// loaded on open or older pages loaded on scroll, nor newer pages of a detached thread.
import { useState } from 'react';
import type { ThreadMessage } from '@/lib/client/merge';
import { announcementOf, firstUnreadIdFor, messagesAfter } from './thread-logic';

/** How many announcements the live region keeps (older ones are dropped from the DOM). */
const ANNOUNCEMENTS_KEPT = 5;

interface Announcement {
  id: string;
  text: string;
}

export function useThreadCues({
  messages,
  userId,
  loaded,
  detached,
  atBottom,
}: {
  messages: readonly ThreadMessage[];
  userId: string;
  loaded: boolean;
  detached: boolean;
  atBottom: boolean;
}) {
  const newestId = messages.at(-1)?.id;
  const fromOthers = (list: readonly ThreadMessage[]) =>
    list.filter((m) => m.senderId !== userId && !m.status && !m.unsentAt);

  // Adjusted while rendering (React's pattern for state derived from changing props): each
  // message is judged once, in the render that first shows it.
  const [divider, setDivider] = useState<{ taken: boolean; id?: string }>({ taken: false });
  if (loaded && !divider.taken)
    setDivider({ taken: true, id: detached ? undefined : firstUnreadIdFor(messages, userId) });

  const [live, setLive] = useState<{ newestId?: string; detached: boolean; said: Announcement[] }>({
    detached,
    said: [],
  });
  if (loaded && (newestId !== live.newestId || detached !== live.detached)) {
    const arrived = live.detached || detached ? [] : fromOthers(messagesAfter(messages, live.newestId));
    setLive({
      newestId,
      detached,
      said: [...live.said, ...arrived.map((m) => ({ id: m.id, text: announcementOf(m) }))].slice(-ANNOUNCEMENTS_KEPT),
    });
  }

  // The newest message the reader has seen at the bottom of the thread.
  const [seenId, setSeenId] = useState<string | undefined>(undefined);
  if (loaded && atBottom && !detached && seenId !== newestId) setSeenId(newestId);
  const unseen = atBottom || detached ? 0 : fromOthers(messagesAfter(messages, seenId)).length;

  return { dividerId: divider.id, announcements: live.said, unseen };
}
