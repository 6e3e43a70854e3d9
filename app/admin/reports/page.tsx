// /admin/reports: the moderators' (ADMIN) list of open reports, each with the reported message
// as it was when reported, and Resolve. Anyone else gets the 404 page: the page's existence is
// not announced. The role is read from the database with the session (page-session.ts).
import { PageFrame } from '@/components/page-frame';
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
    <PageFrame title="Open reports" wide>
      <ReportList reports={reports} />
    </PageFrame>
  );
}
