// /admin/reports: the moderators' (ADMIN) list of open reports, each with the reported message
// as it was when reported, and Resolve. Anyone else gets the 404 page: the page's existence is
// not announced. The role is read from the database with the session (page-session.ts).
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/auth/page-session';
import { db } from '@/lib/db';
import { listReports } from '@/lib/moderation/reports';
import { ReportList } from '@/components/admin/report-list';

export const dynamic = 'force-dynamic';

export default async function AdminReportsPage() {
  const user = await requirePageUser('/admin/reports');
  if (user.role !== 'ADMIN') notFound();
  const reports = await listReports(db, user.id, 'open');
  return (
    <main className="mx-auto flex min-h-dvh max-w-3xl flex-col gap-4 p-4 sm:p-6">
      <Link href="/inbox" className="text-sm text-brand-700 underline dark:text-brand-100">
        ← Back to your inbox
      </Link>
      <h1 className="text-2xl font-semibold tracking-tight">Open reports</h1>
      <ReportList reports={reports} />
    </main>
  );
}
