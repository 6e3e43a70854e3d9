'use client';
// Tells the user when messages cannot flow: offline, reconnecting, and briefly "back online".
import { useEffect, useState } from 'react';
import { useInboxStore } from '@/lib/client/store';

const BACK_ONLINE_VISIBLE_MS = 3_000;

export function ConnectionBanner() {
  const connection = useInboxStore((s) => s.connection);
  const reconnectedAt = useInboxStore((s) => s.reconnectedAt);
  const waiting = useInboxStore((s) => s.outbox.filter((i) => i.status === 'pending').length);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!reconnectedAt) return;
    const timer = setTimeout(() => setNow(Date.now()), BACK_ONLINE_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [reconnectedAt]);

  let text: string | null = null;
  let tone = 'bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-100';
  if (connection === 'offline') text = 'You are offline. Messages you send will go out when you are back.';
  else if (connection === 'reconnecting') text = 'Reconnecting…';
  else if (connection === 'connected' && reconnectedAt && now - reconnectedAt < BACK_ONLINE_VISIBLE_MS) {
    text = 'Back online';
    tone = 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-100';
  }
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="connection-banner"
      data-state={text ? connection : 'hidden'}
      data-connection={connection}
    >
      {text && (
        <p className={`px-4 py-2 text-center text-sm font-medium ${tone}`}>
          {text}
          {waiting > 0 && connection !== 'connected' ? ` ${waiting} waiting to send.` : ''}
        </p>
      )}
    </div>
  );
}
