'use client';
// "Send later": the composer's clock button opens a small form with the time to send the draft at
// (an hour ahead to start with, in the browser's time zone, whose name is shown). Schedule stores
// it on the server (POST /api/chats/:chatId/scheduled) and empties the composer; the thread then
// lists it for its sender. The server's field errors show at the field.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { ScheduledMessageDto } from '@/lib/chat/scheduled-messages';
import { postJson } from '@/lib/client/api';
import { scheduledQueries } from '@/lib/client/queries';
import { fieldErrors, timeZoneName, toLocalInputValue } from './thread/scheduled-messages';

export function SendLater({
  chatId,
  content,
  replyToId,
  disabled,
  onScheduled,
}: {
  chatId: string;
  content: string;
  replyToId?: string;
  disabled: boolean;
  onScheduled: () => void;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [when, setWhen] = useState('');
  const trigger = useRef<HTMLButtonElement>(null);
  const schedule = useMutation({
    mutationFn: () =>
      postJson<ScheduledMessageDto>(`/api/chats/${chatId}/scheduled`, {
        content,
        sendAt: when ? new Date(when).toISOString() : '',
        ...(replyToId ? { replyToId } : {}),
      }),
    onSuccess: () => {
      setOpen(false);
      onScheduled();
      return queryClient.invalidateQueries({ queryKey: scheduledQueries.list(chatId).queryKey });
    },
  });
  const errors = schedule.error ? fieldErrors(schedule.error) : {};

  return (
    <div
      className="relative"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          // Closes the popover only, not the reply the composer may also hold.
          e.stopPropagation();
          setOpen(false);
          trigger.current?.focus();
        }
      }}
    >
      <button
        ref={trigger}
        type="button"
        aria-label="Send later"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => {
          if (!open) setWhen(toLocalInputValue(new Date(Date.now() + 60 * 60_000)));
          schedule.reset();
          setOpen(!open);
        }}
        className="grid size-10 shrink-0 place-items-center rounded-full text-slate-500 dark:text-slate-400 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none disabled:opacity-40 dark:hover:bg-slate-800"
      >
        <span aria-hidden>🕓</span>
      </button>
      {open && (
        <div
          role="dialog"
          aria-label="Schedule message"
          className="absolute right-0 bottom-12 z-10 w-72 rounded-xl border border-slate-200 bg-white p-3 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          <label className="block text-xs font-medium">
            Send at
            <input
              type="datetime-local"
              autoFocus
              value={when}
              onChange={(e) => setWhen(e.target.value)}
              className="mt-1 block w-full rounded-lg border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
            />
          </label>
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Time zone: {timeZoneName()}</p>
          {errors.sendAt && (
            <p role="alert" className="mt-1 text-xs text-red-600">
              {errors.sendAt}
            </p>
          )}
          {(errors.content || errors.form) && (
            <p role="alert" className="mt-1 text-xs text-red-600">
              {errors.content ?? errors.form}
            </p>
          )}
          <button
            type="button"
            disabled={schedule.isPending}
            onClick={() => schedule.mutate()}
            className="mt-2 rounded-full bg-brand-600 px-4 py-1.5 font-medium text-white hover:bg-brand-700 disabled:opacity-40"
          >
            Schedule
          </button>
        </div>
      )}
    </div>
  );
}
