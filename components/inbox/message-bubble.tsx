'use client';
// One message. Content is rendered as text (React escapes it), never as HTML.
import type { ThreadMessage } from '@/lib/client/merge';
import { useRealtime } from './realtime-provider';

export function MessageBubble({ message, own }: { message: ThreadMessage; own: boolean }) {
  const { client } = useRealtime();
  const time = new Date(message.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const state =
    message.status === 'failed'
      ? 'failed'
      : message.status === 'sending'
        ? 'sending'
        : message.readAt
          ? 'read'
          : 'sent';
  return (
    <li
      className={`flex ${own ? 'justify-end' : 'justify-start'}`}
      data-testid="message"
      data-message-id={message.id}
      data-state={own ? state : 'received'}
    >
      <div
        className={`max-w-[80%] rounded-2xl px-3.5 py-2 shadow-sm sm:max-w-[65%] ${
          own
            ? `${state === 'failed' ? 'bg-red-50 text-red-900 ring-1 ring-red-300 dark:bg-red-950 dark:text-red-100' : 'bg-brand-600 text-white'} rounded-br-md`
            : 'rounded-bl-md bg-white text-slate-900 dark:bg-slate-800 dark:text-slate-100'
        }`}
      >
        {message.files.length > 0 && (
          <div className="mb-1.5 flex flex-wrap gap-2">
            {message.files.map((f) =>
              f.mimeType.startsWith('image/') ? (
                <a key={f.id} href={f.url} target="_blank" rel="noreferrer">
                  {/* eslint-disable-next-line @next/next/no-img-element -- authenticated same-origin file */}
                  <img
                    src={f.url}
                    alt={f.originalName}
                    className="max-h-48 rounded-lg object-cover"
                    data-testid="attachment-image"
                  />
                </a>
              ) : (
                <a
                  key={f.id}
                  href={f.url}
                  className="rounded-lg bg-black/10 px-2 py-1 text-sm underline"
                  data-testid="attachment-file"
                >
                  PDF · {f.originalName}
                </a>
              ),
            )}
          </div>
        )}
        {message.content && (
          <p dir="auto" className="break-words whitespace-pre-wrap" data-testid="message-content">
            {message.content}
          </p>
        )}
        <p
          className={`mt-0.5 flex items-center justify-end gap-1 text-[11px] ${own && state !== 'failed' ? 'text-white/80' : 'text-slate-500 dark:text-slate-400'}`}
        >
          <time dateTime={message.createdAt}>{time}</time>
          {own && <Tick state={state} />}
        </p>
        {state === 'failed' && message.clientMessageId && (
          <p className="mt-1 flex gap-3 text-xs">
            <span>Not sent.</span>
            <button
              className="font-semibold underline"
              onClick={() => void client.retryMessage(message.clientMessageId!)}
            >
              Retry
            </button>
            <button className="underline" onClick={() => void client.deleteFailedMessage(message.clientMessageId!)}>
              Delete
            </button>
          </p>
        )}
      </div>
    </li>
  );
}

function Tick({ state }: { state: 'sending' | 'sent' | 'read' | 'failed' }) {
  const label = { sending: 'Sending', sent: 'Sent', read: 'Read', failed: 'Failed' }[state];
  const glyph = { sending: '…', sent: '✓', read: '✓✓', failed: '!' }[state];
  return (
    <span
      aria-label={label}
      title={label}
      data-testid="tick"
      className={state === 'read' ? 'font-semibold text-sky-200' : ''}
    >
      {glyph}
    </span>
  );
}
