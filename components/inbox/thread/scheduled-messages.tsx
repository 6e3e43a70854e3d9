'use client';
// The user's own scheduled messages of a chat, under the thread (nobody else sees them): each
// waiting one "Scheduled for <time>" with Edit (text and time, inline), Send now and Cancel; a
// failed one with its reason in words and Dismiss; one sent late with how late, and Dismiss.
// Also the pieces the composer's "Send later" shares with the inline edit: the local time field's
// value, and the server's field errors.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ScheduledFailureCode, ScheduledMessageDto } from '@/lib/chat/scheduled-messages';
import { MAX_CONTENT_LENGTH } from '@/lib/chat/schemas';
import { ApiError, sendJson } from '@/lib/client/api';
import { scheduledQueries } from '@/lib/client/queries';

const FAILURE_WORDS: Record<ScheduledFailureCode, string> = {
  CHAT_GONE: 'the conversation no longer exists',
  NOT_MEMBER: 'you are no longer part of this conversation',
  REPLY_GONE: 'the message it replies to is gone',
  BLOCKED: 'you can no longer message this person',
  INVALID: 'it could not be sent as written',
  SEND_FAILED: 'sending kept failing',
};

/** A Date as an `<input type="datetime-local">` value, in the browser's time zone. */
export function toLocalInputValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export const timeZoneName = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const longTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The server's VALIDATION details by field; anything else under `form`. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (error instanceof ApiError && error.code === 'VALIDATION' && Array.isArray(error.details)) {
    const out: Record<string, string> = {};
    for (const d of error.details as Array<{ path?: string[]; message?: string }>)
      out[d.path?.[0] ?? 'form'] ??= d.message ?? 'invalid';
    return out;
  }
  return { form: error instanceof Error ? error.message : 'Something went wrong' };
}

export function ScheduledMessages({ chatId }: { chatId: string }) {
  const { data } = useQuery(scheduledQueries.list(chatId));
  if (!data?.length) return null;
  return (
    <ul className="mt-3 flex flex-col items-end gap-2" aria-label="Scheduled messages">
      {data.map((item) => (
        <ScheduledItem key={item.id} chatId={chatId} item={item} />
      ))}
    </ul>
  );
}

function ScheduledItem({ chatId, item }: { chatId: string; item: ScheduledMessageDto }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(item.content);
  const [when, setWhen] = useState(() => toLocalInputValue(new Date(item.sendAt)));
  const refresh = () => queryClient.invalidateQueries({ queryKey: scheduledQueries.list(chatId).queryKey });
  const action = useMutation({
    mutationFn: (run: () => Promise<unknown>) => run(),
    onSuccess: () => {
      setEditing(false);
      return refresh();
    },
    // A stale view (sent meanwhile by the job or another tab): show what is true now.
    onError: () => refresh(),
  });
  const errors = action.error ? fieldErrors(action.error) : {};
  const path = `/api/scheduled/${item.id}`;
  const cancel = () => action.mutate(() => sendJson('DELETE', path));

  return (
    <li
      className="w-full max-w-md rounded-2xl border-2 border-dashed border-brand-500/60 bg-white/70 px-3 py-2 text-sm dark:bg-slate-900/60"
      data-testid="scheduled-message"
      data-status={item.status}
    >
      {editing ? (
        <form
          className="flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            action.mutate(() => sendJson('PATCH', path, { content: text, sendAt: new Date(when).toISOString() }));
          }}
        >
          <label className="text-xs font-medium">
            Scheduled text
            <textarea
              value={text}
              maxLength={MAX_CONTENT_LENGTH}
              onChange={(e) => setText(e.target.value)}
              className="mt-1 block w-full rounded-lg border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
            />
          </label>
          {errors.content && <p className="text-xs text-red-600">{errors.content}</p>}
          <label className="text-xs font-medium">
            Scheduled time ({timeZoneName()})
            <input
              type="datetime-local"
              value={when}
              onChange={(e) => setWhen(e.target.value)}
              className="mt-1 block rounded-lg border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
            />
          </label>
          {errors.sendAt && <p className="text-xs text-red-600">{errors.sendAt}</p>}
          {errors.form && <p className="text-xs text-red-600">{errors.form}</p>}
          <div className="flex gap-2">
            <button
              type="submit"
              className="rounded-full bg-brand-600 px-3 py-1 text-white"
              disabled={action.isPending}
            >
              Save
            </button>
            <button type="button" className="rounded-full px-3 py-1" onClick={() => setEditing(false)}>
              Keep as it was
            </button>
          </div>
        </form>
      ) : (
        <>
          <p className="whitespace-pre-wrap" data-testid="scheduled-content">
            {item.content}
          </p>
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-300" data-testid="scheduled-state">
            {item.status === 'pending' && <>Scheduled for {longTime(item.sendAt)}</>}
            {item.status === 'failed' && (
              <span className="text-red-600">
                Not sent: {FAILURE_WORDS[item.failureCode ?? 'INVALID']} (was scheduled for {longTime(item.sendAt)})
              </span>
            )}
            {item.status === 'sent' && (
              <>
                Sent {item.lateMinutes} min late (was scheduled for {longTime(item.sendAt)})
              </>
            )}
          </p>
          {errors.form && <p className="mt-1 text-xs text-red-600">{errors.form}</p>}
          <div className="mt-1 flex gap-3 text-xs font-medium text-brand-700 dark:text-brand-100">
            {item.status === 'pending' ? (
              <>
                <button
                  type="button"
                  aria-label="Edit scheduled message"
                  onClick={() => {
                    // From what it is now (another tab may have changed it since this one rendered).
                    setText(item.content);
                    setWhen(toLocalInputValue(new Date(item.sendAt)));
                    action.reset();
                    setEditing(true);
                  }}
                >
                  Edit
                </button>
                <button
                  type="button"
                  aria-label="Send scheduled message now"
                  disabled={action.isPending}
                  onClick={() => action.mutate(() => sendJson('POST', `${path}/send-now`))}
                >
                  Send now
                </button>
                <button
                  type="button"
                  aria-label="Cancel scheduled message"
                  disabled={action.isPending}
                  onClick={cancel}
                >
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" aria-label="Dismiss" disabled={action.isPending} onClick={cancel}>
                Dismiss
              </button>
            )}
          </div>
        </>
      )}
    </li>
  );
}
