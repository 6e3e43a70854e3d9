'use client';
// The host's quick replies: create, edit, delete and reorder, each answer refreshing the list.
// Field problems (an unknown placeholder, an empty title) are shown at their field, as the server
// answered them (its VALIDATION details).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, sendJson } from '@/lib/client/api';
import { savedReplyQueries } from '@/lib/client/queries';
import { PLACEHOLDERS } from '@/lib/saved-replies/placeholders';
import type { SavedReply } from '@/lib/saved-replies/saved-replies';

type FieldErrors = Partial<Record<'title' | 'body' | 'form', string>>;

function fieldErrorsOf(error: unknown): FieldErrors {
  if (error instanceof ApiError && Array.isArray(error.details)) {
    const out: FieldErrors = {};
    for (const d of error.details as Array<{ path?: unknown[]; message?: string }>) {
      const field = d.path?.[0];
      if (field === 'title' || field === 'body') out[field] = d.message;
    }
    if (out.title || out.body) return out;
  }
  return { form: (error as Error).message };
}

export function SavedRepliesEditor() {
  const queryClient = useQueryClient();
  const replies = useQuery(savedReplyQueries.list());
  const refresh = () => queryClient.invalidateQueries({ queryKey: savedReplyQueries.list().queryKey });
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Placeholders: {PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}. In a conversation, type <kbd>/</kbd> or use Quick
        replies to insert one.
      </p>
      {replies.isPending && <p>Loading…</p>}
      {replies.isError && <p role="alert">Your quick replies could not be loaded.</p>}
      <ol className="flex flex-col gap-3" aria-label="Quick replies">
        {replies.data?.map((reply, i) => (
          <li key={reply.id} data-testid="saved-reply">
            <ReplyForm
              reply={reply}
              onSave={async (value) => {
                await sendJson('PATCH', `/api/saved-replies/${reply.id}`, value);
                await refresh();
              }}
              extra={
                <>
                  <button
                    type="button"
                    disabled={i === 0}
                    onClick={() =>
                      void sendJson('PATCH', `/api/saved-replies/${reply.id}`, { move: 'up' }).then(refresh)
                    }
                    className="underline disabled:opacity-40"
                  >
                    Move up
                  </button>
                  <button
                    type="button"
                    disabled={i === replies.data.length - 1}
                    onClick={() =>
                      void sendJson('PATCH', `/api/saved-replies/${reply.id}`, { move: 'down' }).then(refresh)
                    }
                    className="underline disabled:opacity-40"
                  >
                    Move down
                  </button>
                  <button
                    type="button"
                    onClick={() => void sendJson('DELETE', `/api/saved-replies/${reply.id}`).then(refresh)}
                    className="text-red-700 underline dark:text-red-300"
                  >
                    Delete
                  </button>
                </>
              }
            />
          </li>
        ))}
      </ol>
      <section aria-labelledby="new-reply">
        <h2 id="new-reply" className="mb-2 font-medium">
          New quick reply
        </h2>
        <ReplyForm
          key={replies.data?.length ?? 0}
          onSave={async (value) => {
            await sendJson('POST', '/api/saved-replies', value);
            await refresh();
          }}
        />
      </section>
    </div>
  );
}

function ReplyForm({
  reply,
  onSave,
  extra,
}: {
  reply?: SavedReply;
  onSave: (value: { title: string; body: string }) => Promise<void>;
  extra?: React.ReactNode;
}) {
  const [title, setTitle] = useState(reply?.title ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const id = reply?.id ?? 'new';
  return (
    <form
      className="flex flex-col gap-2 rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      onSubmit={(e) => {
        e.preventDefault();
        setSaving(true);
        setErrors({});
        onSave({ title, body })
          .then(() => !reply && (setTitle(''), setBody('')))
          .catch((error: unknown) => setErrors(fieldErrorsOf(error)))
          .finally(() => setSaving(false));
      }}
    >
      <label className="text-sm font-medium" htmlFor={`title-${id}`}>
        Title
      </label>
      <input
        id={`title-${id}`}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        aria-invalid={Boolean(errors.title)}
        aria-describedby={errors.title ? `title-error-${id}` : undefined}
        className="rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
      />
      {errors.title && (
        <p id={`title-error-${id}`} className="text-sm text-red-600">
          {errors.title}
        </p>
      )}
      <label className="text-sm font-medium" htmlFor={`body-${id}`}>
        Text
      </label>
      <textarea
        id={`body-${id}`}
        value={body}
        rows={3}
        onChange={(e) => setBody(e.target.value)}
        aria-invalid={Boolean(errors.body)}
        aria-describedby={errors.body ? `body-error-${id}` : undefined}
        className="rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
      />
      {errors.body && (
        <p id={`body-error-${id}`} className="text-sm text-red-600" data-testid="body-error">
          {errors.body}
        </p>
      )}
      {errors.form && (
        <p role="alert" className="text-sm text-red-600">
          {errors.form}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <button
          type="submit"
          disabled={saving}
          className="rounded-md bg-brand-600 px-3 py-1 font-medium text-white disabled:opacity-50"
        >
          {reply ? 'Save' : 'Add'}
        </button>
        {extra}
      </div>
    </form>
  );
}
