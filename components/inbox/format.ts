// Dates as people read them in an inbox (times today, weekdays this week, dates before), and a
// reply's quote of its original.
import type { Quote } from '@/lib/chat/message-dto';

/** The line a reply shows of the message it answers. */
export function quoteText(quote: Quote): string {
  if (quote.state === 'missing') return 'Original not available';
  if (quote.state === 'unsent') return 'Message unsent';
  if (quote.excerpt) return quote.excerpt;
  return quote.fileCount === 1 ? 'An attachment' : `${quote.fileCount} attachments`;
}
export function shortTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const sameDay = date.toDateString() === now.toDateString();
  if (sameDay) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const days = (now.getTime() - date.getTime()) / 86_400_000;
  if (days < 6) return date.toLocaleDateString([], { weekday: 'short' });
  return date.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

export function dayLabel(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (date.toDateString() === now.toDateString()) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return date.toLocaleDateString([], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

export function lastSeenLabel(iso: string | null, now = Date.now()): string {
  if (!iso) return 'Offline';
  const minutes = Math.round((now - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return 'Last seen just now';
  if (minutes < 60) return `Last seen ${minutes} min ago`;
  if (minutes < 24 * 60) return `Last seen ${Math.round(minutes / 60)} h ago`;
  return `Last seen ${new Date(iso).toLocaleDateString([], { day: 'numeric', month: 'short' })}`;
}
