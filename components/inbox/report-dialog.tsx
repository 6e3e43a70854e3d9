'use client';
// Reporting a message or the other member: a reason from the short list and an optional note,
// sent to POST /api/reports; the dialog then thanks the user (the report is stored for the
// moderators with a copy of the message as it is now).
import { useState } from 'react';
import { sendJson } from '@/lib/client/api';
import {
  MAX_REPORT_NOTE_LENGTH,
  REPORT_REASON_LABELS,
  REPORT_REASONS,
  type ReportReasonCode,
} from '@/lib/moderation/schemas';

export function ReportDialog({
  chatId,
  messageId,
  subject,
  onClose,
}: {
  chatId: string;
  messageId?: string;
  /** What is reported, as the title says it ("this message", "Ana"). */
  subject: string;
  onClose: () => void;
}) {
  const [reason, setReason] = useState<ReportReasonCode | null>(null);
  const [note, setNote] = useState('');
  const [state, setState] = useState<'editing' | 'sending' | 'done'>('editing');
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (!reason) return;
    setState('sending');
    setError(null);
    try {
      await sendJson('POST', '/api/reports', { chatId, ...(messageId ? { messageId } : {}), reason, note });
      setState('done');
    } catch (e) {
      setError((e as Error).message);
      setState('editing');
    }
  };

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/40 p-4" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="report-title"
        className="w-full max-w-sm rounded-xl bg-white p-4 text-slate-900 shadow-xl dark:bg-slate-900 dark:text-slate-100"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
        data-testid="report-dialog"
      >
        <h2 id="report-title" className="mb-3 font-semibold">
          Report <bdi>{subject}</bdi>
        </h2>
        {state === 'done' ? (
          <>
            <p role="status" data-testid="report-thanks">
              Thanks — our team will review it.
            </p>
            <div className="mt-4 flex justify-end">
              <button
                type="button"
                className="rounded-md bg-brand-600 px-3 py-1.5 text-sm text-white"
                onClick={onClose}
              >
                Close
              </button>
            </div>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <fieldset className="flex flex-col gap-1.5">
              <legend className="mb-1 text-sm text-slate-600 dark:text-slate-400">Why are you reporting it?</legend>
              {REPORT_REASONS.map((r) => (
                <label key={r} className="flex items-center gap-2 text-sm">
                  <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                  {REPORT_REASON_LABELS[r]}
                </label>
              ))}
            </fieldset>
            <label className="mt-3 block text-sm">
              <span className="text-slate-600 dark:text-slate-400">Anything to add? (optional)</span>
              <textarea
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={MAX_REPORT_NOTE_LENGTH}
                rows={3}
                className="mt-1 w-full rounded-md border border-slate-300 bg-transparent p-2 text-sm dark:border-slate-700"
              />
            </label>
            {error && (
              <p role="alert" className="mt-2 text-sm text-red-600">
                {error}
              </p>
            )}
            <div className="mt-4 flex justify-end gap-2">
              <button type="button" className="rounded-md px-3 py-1.5 text-sm" onClick={onClose}>
                Cancel
              </button>
              <button
                type="submit"
                disabled={!reason || state === 'sending'}
                className="rounded-md bg-red-600 px-3 py-1.5 text-sm text-white disabled:opacity-50"
              >
                Send report
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
