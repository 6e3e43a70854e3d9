// Whether `userId`'s typing notice in the chat shows. It shows until it expires (a renewal updates
// the store, which renders again); one timer for that moment, not a re-render every second, and
// rendering stays pure (no clock read): the notice shows until its timer marks it expired.
import { useEffect, useState } from 'react';
import { useInboxStore } from '@/lib/client/store';
import { typingExpiryDelay } from './thread-logic';

export function useTypingNotice(chatId: string, userId: string | undefined): boolean {
  const typingUntil = useInboxStore((s) => (userId === undefined ? undefined : s.typing[chatId]?.[userId]));
  const [expiredUntil, setExpiredUntil] = useState<number>();
  useEffect(() => {
    if (typingUntil === undefined) return;
    const timer = setTimeout(() => setExpiredUntil(typingUntil), typingExpiryDelay(typingUntil, Date.now()));
    return () => clearTimeout(timer);
  }, [typingUntil]);
  return typingUntil !== undefined && typingUntil !== expiredUntil;
}
