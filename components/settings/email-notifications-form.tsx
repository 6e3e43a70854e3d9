'use client';
// The user's choice of emails about unread messages: all of it, only that there is a message
// (messages may hold door codes), or none. Saved as soon as it is chosen.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { sendJson } from '@/lib/client/api';
import { accountQueries } from '@/lib/client/queries';
import type { EmailNotificationSetting } from '@/lib/notifications/schemas';

const CHOICES: Array<{ value: EmailNotificationSetting; label: string; hint: string }> = [
  { value: 'on', label: 'Email me unread messages', hint: 'Who wrote, the stay and the messages themselves.' },
  {
    value: 'hide_text',
    label: 'Email me, without the message text',
    hint: 'Only that you have a new message (messages can hold door codes).',
  },
  { value: 'off', label: 'No emails', hint: 'You see new messages only in StayEasy.' },
];

export function EmailNotificationsForm() {
  const queryClient = useQueryClient();
  const current = useQuery(accountQueries.emailNotifications());
  const save = useMutation({
    mutationFn: (emailNotifications: EmailNotificationSetting) =>
      sendJson<{ emailNotifications: EmailNotificationSetting }>('PATCH', '/api/account/notifications', {
        emailNotifications,
      }),
    onSuccess: (data) => queryClient.setQueryData(accountQueries.emailNotifications().queryKey, data),
  });
  if (current.isPending) return <p>Loading…</p>;
  if (current.isError) return <p role="alert">Your settings could not be loaded.</p>;
  const chosen = save.isPending ? save.variables : current.data.emailNotifications;
  return (
    <fieldset className="flex flex-col gap-3">
      <legend className="mb-2 text-sm text-slate-700 dark:text-slate-200">
        When a message to you stays unread for a couple of minutes and StayEasy is not open on your screen:
      </legend>
      {CHOICES.map((choice) => (
        <label
          key={choice.value}
          className="flex cursor-pointer gap-3 rounded-lg border border-slate-200 p-3 has-[:checked]:border-brand-600 dark:border-slate-700"
        >
          <input
            type="radio"
            name="email-notifications"
            value={choice.value}
            checked={chosen === choice.value}
            onChange={() => save.mutate(choice.value)}
            className="mt-1"
          />
          <span>
            <span className="block font-medium">{choice.label}</span>
            <span className="block text-sm text-slate-600 dark:text-slate-300">{choice.hint}</span>
          </span>
        </label>
      ))}
      <p role="status" className="h-5 text-sm text-slate-600 dark:text-slate-300">
        {save.isSuccess ? 'Saved.' : save.isError ? `Not saved: ${save.error.message}` : ''}
      </p>
    </fieldset>
  );
}
