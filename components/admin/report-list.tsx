'use client';
// The open reports on /admin/reports: who reported whom, why, the message as it was when reported,
// and Resolve with an optional note (POST /api/admin/reports/:id/resolve). A resolved report
// leaves the list.
import { useState } from 'react';
import { sendJson } from '@/lib/client/api';
import type { ReportDto } from '@/lib/moderation/reports';
import { REPORT_REASON_LABELS } from '@/lib/moderation/schemas';

export function ReportList({ reports: initial }: { reports: ReportDto[] }) {
  const [reports, setReports] = useState(initial);
  if (reports.length === 0) return <p data-testid="no-reports">No open reports.</p>;
  return (
    <ul className="flex flex-col gap-3">
      {reports.map((report) => (
        <ReportItem
          key={report.id}
          report={report}
          onResolved={() => setReports((all) => all.filter((r) => r.id !== report.id))}
        />
      ))}
    </ul>
  );
}

function ReportItem({ report, onResolved }: { report: ReportDto; onResolved: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resolve = async () => {
    setBusy(true);
    setError(null);
    try {
      await sendJson('POST', `/api/admin/reports/${report.id}/resolve`, { note });
      onResolved();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <li
      className="rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="report"
      data-report-id={report.id}
    >
      <p>
        <strong>{REPORT_REASON_LABELS[report.reason]}</strong>: <bdi>{report.reporter.name}</bdi> reported{' '}
        <bdi>{report.reportedUser.name}</bdi> ({report.reportedUser.email})
        {report.property && (
          <>
            {' '}
            about <bdi>{report.property.name}</bdi>
          </>
        )}{' '}
        on <time dateTime={report.createdAt}>{new Date(report.createdAt).toLocaleString()}</time>
      </p>
      {report.messageId && (
        <blockquote
          className="mt-2 border-l-4 border-slate-300 pl-3 whitespace-pre-wrap dark:border-slate-600"
          dir="auto"
          data-testid="report-snapshot"
        >
          {report.contentSnapshot || <em>(no text)</em>}
          {report.messageSentAt && (
            <footer className="text-xs text-slate-500 dark:text-slate-400">
              sent <time dateTime={report.messageSentAt}>{new Date(report.messageSentAt).toLocaleString()}</time>
            </footer>
          )}
        </blockquote>
      )}
      {report.note && (
        <p className="mt-2 text-slate-600 dark:text-slate-400" dir="auto">
          Note: {report.note}
        </p>
      )}
      <form
        className="mt-3 flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void resolve();
        }}
      >
        <input
          aria-label="Resolution note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={1000}
          placeholder="Resolution note (optional)"
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
        />
        <button
          type="submit"
          disabled={busy}
          className="rounded-md bg-brand-600 px-3 py-1 text-white disabled:opacity-50"
          data-testid="resolve-report"
        >
          Resolve
        </button>
      </form>
      {error && (
        <p role="alert" className="mt-1 text-red-600">
          {error}
        </p>
      )}
    </li>
  );
}
