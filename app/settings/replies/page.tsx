// /settings/replies: a host manages their quick replies (guests are sent to the inbox).
import { PageFrame } from '@/components/page-frame';
import { redirect } from 'next/navigation';
import { requirePageUser } from '@/lib/auth/page-session';
import { SavedRepliesEditor } from '@/components/settings/saved-replies-editor';

export const dynamic = 'force-dynamic';

export default async function SavedRepliesPage() {
  const user = await requirePageUser('/settings/replies');
  if (user.role !== 'OWNER') redirect('/inbox');
  return (
    <PageFrame title="Quick replies">
      <SavedRepliesEditor />
    </PageFrame>
  );
}
