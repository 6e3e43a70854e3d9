'use client';
// One message. Content is rendered as text (React escapes it), never as HTML. The sender's own
// messages have a menu to edit (within EDIT_WINDOW_MINUTES) or unsend (within
// UNSEND_WINDOW_HOURS); every stored message takes reactions and replies (a reply shows a quote of
// its original, which brings the original into view). Changes go through the outbox like sends,
// so they are shown at once and wait offline. Messages grouped with their neighbours (one sender,
// a few minutes apart) sit closer together and show their time once, on the group's last one
// (screen readers still get each message's time).
import { useRef, useState } from 'react';
import { quoteOf, type Quote } from '@/lib/chat/message-dto';
import { EDIT_WINDOW_MINUTES, REACTIONS, UNSEND_WINDOW_HOURS, type Reaction } from '@/lib/chat/schemas';
import type { ThreadMessage } from '@/lib/client/merge';
import { useInboxStore } from '@/lib/client/store';
import { findMatches } from '@/lib/chat/search-text';
import { quoteText } from './format';
import { HighlightedText } from './highlighted-text';
import { useRealtime } from './realtime-provider';
import { ReportDialog } from './report-dialog';

export function MessageBubble({
  message,
  own,
  highlighted = false,
  delivered = false,
  groupFirst = true,
  groupLast = true,
  matchText,
  onShowMessage,
}: {
  message: ThreadMessage;
  own: boolean;
  /** Starts a group of one sender's consecutive messages (the spacing above it). */
  groupFirst?: boolean;
  /** Ends such a group (it shows the time). */
  groupLast?: boolean;
  /** The other member's client has it (their delivery marker is at or past it). */
  delivered?: boolean;
  /** Just brought into view from a reply's quote. */
  highlighted?: boolean;
  /** A search's text, marked where the content holds it (the message a search result opened). */
  matchText?: string;
  onShowMessage?: (messageId: string) => void;
}) {
  const { client } = useRealtime();
  const setReplyingTo = useInboxStore((s) => s.setReplyingTo);
  const time = new Date(message.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const state =
    message.status === 'failed'
      ? 'failed'
      : message.status === 'sending'
        ? 'sending'
        : message.readAt
          ? 'read'
          : delivered
            ? 'delivered'
            : 'sent';
  const [editing, setEditing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const item = useRef<HTMLLIElement>(null);
  // The edit form goes away: the keyboard goes back to the message's menu, not to the page's start.
  const endEditing = () => {
    setEditing(false);
    requestAnimationFrame(() => item.current?.querySelector<HTMLElement>('[data-testid="message-actions"]')?.focus());
  };
  const spacing = groupFirst ? 'mt-2 first:mt-0' : 'mt-0.5';
  if (message.unsentAt) return <UnsentBubble message={message} own={own} highlighted={highlighted} spacing={spacing} />;
  const replyToThis = () => {
    setReplyingTo(message.chatId, quoteOf(message.id, { ...message, fileCount: message.files.length }));
    document.getElementById(`composer-${message.chatId}`)?.focus();
  };
  return (
    <li
      ref={item}
      className={`group flex items-start gap-1 rounded-2xl transition-colors ${spacing} ${own ? 'justify-end' : 'justify-start'} ${highlighted ? HIGHLIGHT : ''}`}
      data-testid="message"
      data-message-id={message.id}
      data-state={own ? state : 'received'}
      data-highlighted={highlighted || undefined}
      data-group={groupFirst && groupLast ? 'single' : groupFirst ? 'first' : groupLast ? 'last' : 'middle'}
    >
      {own && !editing && state !== 'failed' && !message.archived && (
        <MessageMenu message={message} own onEdit={() => setEditing(true)} />
      )}
      <div
        className={`max-w-[80%] rounded-2xl px-3.5 py-2 shadow-sm sm:max-w-[65%] ${
          own
            ? `${state === 'failed' ? 'bg-red-50 text-red-900 ring-1 ring-red-300 dark:bg-red-950 dark:text-red-100' : 'bg-brand-600 text-white'} rounded-br-md`
            : 'rounded-bl-md bg-white text-slate-900 dark:bg-slate-800 dark:text-slate-100'
        }`}
      >
        {message.replyTo && <QuotedOriginal quote={message.replyTo} onShow={onShowMessage} />}
        {message.files.length > 0 && (
          <div className="mb-1.5 flex flex-wrap gap-2">
            {message.files.map((f) => (
              <Attachment key={f.id} file={f} />
            ))}
          </div>
        )}
        {editing ? (
          <EditForm message={message} onDone={endEditing} />
        ) : (
          message.content && (
            <p dir="auto" className="break-words whitespace-pre-wrap" data-testid="message-content">
              {matchText ? (
                <HighlightedText text={message.content} ranges={findMatches(message.content, matchText)} />
              ) : (
                message.content
              )}
            </p>
          )
        )}
        <p
          className={`mt-0.5 flex items-center justify-end gap-1 text-[11px] ${own && state !== 'failed' ? 'text-white' : 'text-slate-600 dark:text-slate-300'}`}
        >
          {!message.status && (
            <button
              type="button"
              onClick={replyToThis}
              aria-label="Reply"
              title="Reply"
              className="mr-auto rounded px-1 hover:underline"
              data-testid="reply"
            >
              ↩ Reply
            </button>
          )}
          {message.change?.status === 'sending' && <span data-testid="change-pending">saving…</span>}
          {message.editedAt && !message.change && <span data-testid="edited">edited</span>}
          <time dateTime={message.createdAt} className={groupLast ? undefined : 'sr-only'}>
            {time}
          </time>
          {own && <Tick state={state} />}
        </p>
        {(message.reactions.length > 0 || (!message.status && !message.archived)) && <Reactions message={message} />}
        {message.change?.status === 'failed' && (
          <p className="mt-1 flex gap-3 text-xs" role="alert" data-testid="change-refused">
            <span>
              {REFUSED_CHANGE[message.change.kind]}: {message.change.error}
            </span>
            <button className="underline" onClick={() => void client.deleteFailedMessage(message.change!.outboxId)}>
              Dismiss
            </button>
          </p>
        )}
        {state === 'failed' && message.clientMessageId && (
          <p className="mt-1 flex gap-3 text-xs">
            <span data-testid="send-error" data-code={message.sendError?.code}>
              {message.sendError ? `Not sent: ${message.sendError.message}` : 'Not sent.'}
            </span>
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
      {!own && !message.status && <MessageMenu message={message} own={false} onReport={() => setReporting(true)} />}
      {reporting && (
        <ReportDialog
          chatId={message.chatId}
          messageId={message.id}
          subject="this message"
          onClose={() => setReporting(false)}
        />
      )}
    </li>
  );
}

/**
 * One file of a message, always loaded from the app (`url`, same origin, its membership checked),
 * never from a file's `sourceUrl`: no hotlinking, no tracking pixels, no mixed content. A file
 * named by URL carries the type its sender declared until the server fetched it (the seed's bare
 * `image` included), and one the server cannot fetch shows where it pointed, as text.
 */
function Attachment({ file }: { file: ThreadMessage['files'][number] }) {
  const [unavailable, setUnavailable] = useState(false);
  if (file.mimeType.startsWith('image')) {
    if (unavailable && file.sourceUrl) {
      return (
        <p
          className="max-w-full rounded-lg bg-black/10 px-2 py-1 text-sm break-all"
          data-testid="attachment-unavailable"
        >
          <span className="block font-semibold">Attachment unavailable</span>
          <span className="block text-xs opacity-80">{file.sourceUrl}</span>
        </p>
      );
    }
    return (
      <a href={file.url} target="_blank" rel="noreferrer">
        {/* eslint-disable-next-line @next/next/no-img-element -- authenticated same-origin file */}
        <img
          src={file.url}
          alt={file.originalName}
          className="max-h-48 rounded-lg object-cover"
          data-testid="attachment-image"
          onError={file.sourceUrl ? () => setUnavailable(true) : undefined}
        />
      </a>
    );
  }
  return (
    <a href={file.url} className="rounded-lg bg-black/10 px-2 py-1 text-sm underline" data-testid="attachment-file">
      {file.sourceUrl ? file.originalName : `PDF · ${file.originalName}`}
    </a>
  );
}

/** The message's reactions (count, who), each a toggle of the user's own; and a picker to add one. */
function Reactions({ message }: { message: ThreadMessage }) {
  const { client, user } = useRealtime();
  const [picking, setPicking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const closePicker = () => {
    setPicking(false);
    trigger.current?.focus();
  };
  const readOnly = Boolean(message.archived || message.status);
  const toggle = (emoji: Reaction, on: boolean) => void client.react(message.chatId, message.id, emoji, on);
  return (
    <div className="mt-1 flex flex-wrap items-center gap-1" data-testid="reactions">
      {message.reactions.map(({ emoji, users }) => {
        const mine = users.some((u) => u.id === user.id);
        const who = users.map((u) => (u.id === user.id ? 'you' : u.name)).join(', ');
        return (
          <button
            key={emoji}
            type="button"
            disabled={readOnly}
            aria-pressed={mine}
            aria-label={`${emoji} ${users.length}: ${who}`}
            title={who}
            data-testid="reaction"
            data-emoji={emoji}
            onClick={() => toggle(emoji as Reaction, !mine)}
            className={`rounded-full px-1.5 text-xs ring-1 ${mine ? 'bg-sky-100 text-slate-900 ring-sky-400' : 'bg-white/80 text-slate-900 ring-slate-300'}`}
          >
            {emoji} {users.length}
          </button>
        );
      })}
      {!readOnly && (
        <span
          className="relative"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && picking) {
              e.stopPropagation();
              closePicker();
            }
          }}
        >
          <button
            ref={trigger}
            type="button"
            aria-label="Add a reaction"
            aria-haspopup="menu"
            aria-expanded={picking}
            onClick={() => setPicking(!picking)}
            className="rounded-full px-1.5 text-xs ring-1 ring-slate-300"
            data-testid="add-reaction"
          >
            ☺+
          </button>
          {picking && (
            <span
              role="menu"
              className="absolute bottom-6 left-0 z-10 flex gap-1 rounded-full bg-white p-1 shadow-lg ring-1 ring-slate-200"
            >
              {REACTIONS.map((emoji, i) => (
                <button
                  key={emoji}
                  type="button"
                  role="menuitem"
                  aria-label={`React ${emoji}`}
                  // Opened from the keyboard, the first choice is where the keys are.
                  autoFocus={i === 0}
                  className="rounded-full px-1 hover:bg-slate-100"
                  onClick={() => {
                    closePicker();
                    toggle(
                      emoji,
                      !message.reactions.some((r) => r.emoji === emoji && r.users.some((u) => u.id === user.id)),
                    );
                  }}
                >
                  {emoji}
                </button>
              ))}
            </span>
          )}
        </span>
      )}
    </div>
  );
}

const REFUSED_CHANGE = { edit: 'Not edited', unsend: 'Not unsent', react: 'Reaction not saved' } as const;

const HIGHLIGHT = 'bg-amber-100/80 ring-2 ring-amber-400 dark:bg-amber-900/40';

/** A reply's quote of its original: sender and first line; choosing it shows the original. */
function QuotedOriginal({ quote, onShow }: { quote: Quote; onShow?: (messageId: string) => void }) {
  const text = quoteText(quote);
  const from = quote.state === 'missing' ? null : quote.sender.name;
  return (
    <button
      type="button"
      disabled={quote.state === 'missing' || !onShow}
      onClick={() => onShow?.(quote.id)}
      aria-label={from ? `Reply to ${from}: ${text}. Show the original` : text}
      className="mb-1.5 block w-full max-w-full rounded-md border-l-4 border-current/40 bg-black/10 px-2 py-1 text-left text-xs enabled:hover:bg-black/15"
      data-testid="reply-quote"
      data-state={quote.state}
    >
      {from && <bdi className="block font-semibold">{from}</bdi>}
      <span className={`line-clamp-2 break-words ${quote.state === 'available' ? '' : 'italic'}`}>{text}</span>
    </button>
  );
}

function UnsentBubble({
  message,
  own,
  highlighted,
  spacing,
}: {
  message: ThreadMessage;
  own: boolean;
  highlighted: boolean;
  spacing: string;
}) {
  return (
    <li
      className={`flex rounded-2xl ${spacing} ${own ? 'justify-end' : 'justify-start'} ${highlighted ? HIGHLIGHT : ''}`}
      data-testid="message"
      data-message-id={message.id}
      data-state="unsent"
      data-highlighted={highlighted || undefined}
    >
      <p className="rounded-2xl px-3.5 py-2 text-sm text-slate-500 italic ring-1 ring-slate-300 dark:text-slate-400 dark:ring-slate-700">
        {message.change?.status === 'sending' ? 'Unsending…' : 'Message unsent'}
      </p>
    </li>
  );
}

/** Edit and unsend, offered while their windows are open (the server has the last word). */
/** Own messages: edit and unsend within their windows. The other member's: report. */
function MessageMenu({
  message,
  own,
  onEdit,
  onReport,
}: {
  message: ThreadMessage;
  own: boolean;
  onEdit?: () => void;
  onReport?: () => void;
}) {
  const { client } = useRealtime();
  // When the menu was opened: the windows are judged then (rendering must not read the clock).
  const [openedAt, setOpenedAt] = useState<number | null>(null);
  const open = openedAt !== null;
  const setOpen = (next: boolean) => setOpenedAt(next ? Date.now() : null);
  const trigger = useRef<HTMLButtonElement>(null);
  // A choice closes the menu, then acts.
  const choose = (action?: () => void) => {
    setOpen(false);
    action?.();
  };
  const age = (openedAt ?? 0) - new Date(message.createdAt).getTime();
  const canEdit = own && age < EDIT_WINDOW_MINUTES * 60_000;
  const canUnsend = own && age < UNSEND_WINDOW_HOURS * 3_600_000;
  return (
    <div
      className="relative self-center"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          trigger.current?.focus();
        }
      }}
      onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}
    >
      <button
        ref={trigger}
        type="button"
        aria-label="Message actions"
        aria-haspopup="menu"
        aria-expanded={open}
        className="rounded-full px-2 py-1 text-slate-600 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-700"
        onClick={() => setOpen(!open)}
        data-testid="message-actions"
      >
        ⋯
      </button>
      {open && (
        <div
          role="menu"
          className="absolute right-0 z-10 mt-1 w-44 rounded-lg bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700"
        >
          {canEdit && (
            <MenuItem autoFocus onChoose={() => choose(onEdit)}>
              Edit
            </MenuItem>
          )}
          {own && !canEdit && !canUnsend && (
            <p className="px-3 py-1.5 text-slate-500 dark:text-slate-400">Too late to change this message</p>
          )}
          {!own && (
            <MenuItem autoFocus onChoose={() => choose(onReport)} testId="report-message">
              Report message
            </MenuItem>
          )}
          {canUnsend && (
            <MenuItem
              autoFocus={!canEdit}
              danger
              onChoose={() => choose(() => void client.unsendMessage(message.chatId, message.id))}
            >
              Unsend for everyone
            </MenuItem>
          )}
        </div>
      )}
    </div>
  );
}

function EditForm({ message, onDone }: { message: ThreadMessage; onDone: () => void }) {
  const { client } = useRealtime();
  const [text, setText] = useState(message.content);
  const save = () => {
    if (text.trim() && text !== message.content) void client.editMessage(message.chatId, message.id, text);
    onDone();
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      className="flex flex-col gap-1"
    >
      <textarea
        aria-label="Edit message"
        autoFocus
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone();
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            save();
          }
        }}
        className="min-w-56 rounded-md bg-white/95 p-1.5 text-slate-900"
        rows={2}
      />
      <span className="flex justify-end gap-2 text-xs">
        <button type="button" className="underline" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="font-semibold underline" disabled={!text.trim()}>
          Save
        </button>
      </span>
    </form>
  );
}

/** Stored (✓), delivered to one of the recipient's devices (✓✓), read (✓✓ in the accent colour). */
function Tick({ state }: { state: 'sending' | 'sent' | 'delivered' | 'read' | 'failed' }) {
  const label = { sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed' }[state];
  const glyph = { sending: '…', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' }[state];
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      data-testid="tick"
      className={state === 'read' ? 'font-semibold text-sky-100' : ''}
    >
      {glyph}
    </span>
  );
}

/** One choice of a message's actions menu. */
function MenuItem({
  onChoose,
  autoFocus,
  danger = false,
  testId,
  children,
}: {
  onChoose: () => void;
  autoFocus?: boolean;
  danger?: boolean;
  testId?: string;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      role="menuitem"
      autoFocus={autoFocus}
      className={`block w-full px-3 py-1.5 text-left hover:bg-slate-100 dark:hover:bg-slate-700 ${
        danger ? 'text-red-700 dark:text-red-300' : ''
      }`}
      onClick={onChoose}
      data-testid={testId}
    >
      {children}
    </button>
  );
}
