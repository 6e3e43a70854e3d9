'use client';
// Writing a message: the draft (kept per chat across reloads), the message it replies to (Escape
// drops it, and closes the quick replies), typing notices, attachments with preview and upload progress, Enter to send
// (Shift+Enter for a new line), or "Send later" (send-later.tsx) to schedule the text.
import { useSearchParams } from 'next/navigation';
import { useRef, useState } from 'react';
import type { FileDto } from '@/lib/attachments/attachments';
import { MAX_CONTENT_LENGTH } from '@/lib/chat/schemas';
import { quoteText } from './format';
import { matchingReplies, QuickReplyList, quickReplyFilterOf, useQuickReplies } from './quick-replies';
import { useInboxStore } from '@/lib/client/store';
import { apiFetch } from '@/lib/client/api';
import { uploadWithProgress } from '@/lib/client/upload';
import { useRealtime } from './realtime-provider';
import { SendLater } from './send-later';

// Frees an unsent upload's place in the quota now; if this fails, the retention job deletes it
// after UNCLAIMED_UPLOAD_DAYS.
/** `/inbox/:chatId?compose=1` opens the thread ready to write (where "Message the host" lands). */
export const COMPOSE_PARAM = 'compose';

function deleteUnsentUpload(fileId: string) {
  void apiFetch(`/api/attachments/${fileId}`, { method: 'DELETE' }).catch(() => {});
}

interface PendingUpload {
  key: string;
  name: string;
  previewUrl: string | null;
  progress: number;
  file?: FileDto;
  error?: string;
}

export function Composer({ chatId, onSend }: { chatId: string; onSend?: () => void }) {
  const { client, user } = useRealtime();
  const draft = useInboxStore((s) => s.drafts[chatId] ?? '');
  const setDraft = useInboxStore((s) => s.setDraft);
  const replyingTo = useInboxStore((s) => s.replyingTo[chatId]);
  const setReplyingTo = useInboxStore((s) => s.setReplyingTo);
  const focusOnOpen = useSearchParams().has(COMPOSE_PARAM);
  const host = user.role === 'OWNER';
  const quick = useQuickReplies(chatId, host);
  const quickFilter = host ? quickReplyFilterOf(draft) : null;
  const quickMatches = quickFilter === null ? [] : matchingReplies(quick.replies, quickFilter);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const chooseQuickReply = (reply: (typeof quick.replies)[number]) => {
    setDraft(chatId, quick.fill(reply));
    textarea.current?.focus();
  };
  // The list shows while the draft is a "/filter": dropping that closes it.
  const closeQuickReplies = () => {
    setDraft(chatId, '');
    textarea.current?.focus();
  };
  const [uploads, setUploads] = useState<PendingUpload[]>([]);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Uploads removed while still in flight: deleted once they land.
  const removedInFlight = useRef(new Set<string>());
  const nextUploadKey = useRef(0);

  const ready = uploads.every((u) => u.file || u.error);
  const attachmentIds = uploads.flatMap((u) => (u.file ? [u.file.id] : []));
  const canSend = ready && (draft.trim().length > 0 || attachmentIds.length > 0);

  function send() {
    if (!canSend) return;
    setError(null);
    client
      .sendMessage({ chatId, content: draft, attachments: attachmentIds, replyTo: replyingTo })
      .catch((e: Error) => setError(e.message));
    client.typing(chatId, false);
    setDraft(chatId, '');
    setReplyingTo(chatId, null);
    onSend?.();
    uploads.forEach((u) => u.previewUrl && URL.revokeObjectURL(u.previewUrl));
    setUploads([]);
  }

  function addFiles(files: FileList | null) {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}-${file.size}-${nextUploadKey.current++}`;
      const previewUrl = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
      setUploads((list) => [...list, { key, name: file.name, previewUrl, progress: 0 }]);
      const patch = (p: Partial<PendingUpload>) =>
        setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...p } : u)));
      uploadWithProgress(file, (progress) => patch({ progress }))
        .then((stored) => {
          if (removedInFlight.current.delete(key)) deleteUnsentUpload(stored.id);
          else patch({ file: stored, progress: 1 });
        })
        .catch((e: Error) => patch({ error: e.message }));
    }
  }

  return (
    <form
      className="border-t border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {uploads.length > 0 && (
        <ul className="mb-2 flex flex-wrap gap-2" aria-label="Attachments">
          {uploads.map((u) => (
            <li
              key={u.key}
              className="relative flex items-center gap-2 rounded-lg border border-slate-200 p-1.5 pr-7 text-xs dark:border-slate-700"
              data-testid="upload"
            >
              {u.previewUrl ? (
                // eslint-disable-next-line @next/next/no-img-element -- local preview
                <img src={u.previewUrl} alt="" className="size-10 rounded object-cover" />
              ) : (
                <span
                  aria-hidden
                  className="grid size-10 place-items-center rounded bg-slate-100 text-[10px] font-semibold text-slate-600 dark:bg-slate-800 dark:text-slate-300"
                >
                  PDF
                </span>
              )}
              <span className="max-w-32 truncate">{u.name}</span>
              {u.error ? (
                <span className="text-red-600" role="alert">
                  {u.error}
                </span>
              ) : u.file ? (
                <span className="text-emerald-600" data-testid="upload-done">
                  Ready
                </span>
              ) : (
                <progress max={1} value={u.progress} className="w-16" aria-label={`Uploading ${u.name}`} />
              )}
              <button
                type="button"
                aria-label={`Remove ${u.name}`}
                className="absolute top-1 right-1.5 text-slate-500 hover:text-slate-700 dark:text-slate-400 dark:hover:text-slate-200"
                onClick={() => {
                  if (u.previewUrl) URL.revokeObjectURL(u.previewUrl);
                  if (u.file) deleteUnsentUpload(u.file.id);
                  else if (!u.error) removedInFlight.current.add(u.key);
                  setUploads((list) => list.filter((x) => x.key !== u.key));
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {replyingTo && (
        <div
          className="mb-2 flex items-start gap-2 rounded-lg border-l-4 border-brand-500 bg-slate-100 px-3 py-1.5 text-sm dark:bg-slate-800"
          data-testid="replying-to"
        >
          <p className="min-w-0 flex-1">
            <span className="block text-xs font-semibold">
              Replying to {replyingTo.state === 'missing' ? 'a message' : <bdi>{replyingTo.sender.name}</bdi>}
            </span>
            <span className="block truncate text-slate-600 dark:text-slate-300">{quoteText(replyingTo)}</span>
          </p>
          <button
            type="button"
            aria-label="Cancel reply"
            className="text-slate-500 dark:text-slate-400 hover:text-slate-800 dark:hover:text-slate-200"
            onClick={() => setReplyingTo(chatId, null)}
          >
            ×
          </button>
        </div>
      )}
      {quickFilter !== null && (
        <QuickReplyList matches={quickMatches} onChoose={chooseQuickReply} onClose={closeQuickReplies} />
      )}
      {error && (
        <p role="alert" className="mb-2 text-sm text-red-600">
          {error}
        </p>
      )}
      <div className="flex items-end gap-2">
        <input
          ref={fileInput}
          type="file"
          accept="image/*,application/pdf"
          multiple
          hidden
          onChange={(e) => {
            addFiles(e.target.files);
            e.target.value = '';
          }}
          data-testid="file-input"
        />
        <button
          type="button"
          onClick={() => fileInput.current?.click()}
          className="grid size-10 shrink-0 place-items-center rounded-full text-slate-500 dark:text-slate-400 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none dark:hover:bg-slate-800"
          aria-label="Attach a photo or PDF"
        >
          <PaperclipIcon />
        </button>
        {host && (
          <button
            type="button"
            onClick={() => {
              setDraft(chatId, '/');
              textarea.current?.focus();
            }}
            className="grid h-10 shrink-0 place-items-center rounded-full px-2 text-sm text-slate-500 dark:text-slate-400 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none dark:hover:bg-slate-800"
            aria-label="Quick replies"
          >
            ⚡
          </button>
        )}
        <label className="sr-only" htmlFor={`composer-${chatId}`}>
          Message
        </label>
        <textarea
          ref={textarea}
          id={`composer-${chatId}`}
          rows={1}
          value={draft}
          maxLength={MAX_CONTENT_LENGTH}
          autoFocus={focusOnOpen}
          placeholder="Write a message…"
          className="max-h-40 min-h-10 flex-1 resize-none rounded-2xl border border-slate-300 bg-white px-4 py-2 focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950"
          onChange={(e) => {
            setDraft(chatId, e.target.value);
            client.typing(chatId, e.target.value.length > 0);
          }}
          onBlur={() => client.typing(chatId, false)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              // Asking for a quick reply: Enter takes the first match rather than sending "/…".
              if (quickMatches[0]) chooseQuickReply(quickMatches[0]);
              else send();
            }
            if (e.key === 'Escape' && quickFilter !== null) closeQuickReplies();
            else if (e.key === 'Escape' && replyingTo) setReplyingTo(chatId, null);
          }}
        />
        <SendLater
          chatId={chatId}
          content={draft}
          replyToId={replyingTo?.id}
          // Scheduled messages are text only: not while attachments are attached.
          disabled={draft.trim().length === 0 || uploads.length > 0}
          onScheduled={() => {
            setDraft(chatId, '');
            setReplyingTo(chatId, null);
          }}
        />
        <button
          type="submit"
          disabled={!canSend}
          className="h-10 shrink-0 rounded-full bg-brand-600 px-5 font-medium text-white shadow-sm hover:bg-brand-700 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-40"
        >
          Send
        </button>
      </div>
    </form>
  );
}

function PaperclipIcon() {
  return (
    <svg
      aria-hidden
      viewBox="0 0 24 24"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48" />
    </svg>
  );
}
