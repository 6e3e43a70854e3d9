// /settings/replies: a host manages their quick replies (guests are sent to the inbox).
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { requirePageUser } from '@/lib/auth/page-session';
import { SavedRepliesEditor } from '@/components/settings/saved-replies-editor';

export const dynamic = 'force-dynamic';

export default async function SavedRepliesPage() {
  const user = await requirePageUser('/settings/replies');
  if (user.role !== 'OWNER') redirect('/inbox');
  return (
    <main className="mx-auto flex min-h-dvh max-w-2xl flex-col gap-4 p-4 sm:p-6">
      <Link href="/inbox" className="text-sm text-brand-700 underline dark:text-brand-100">
        ← Back to your inbox
      </Link>
      <h1 className="text-2xl font-semibold tracking-tight">Quick replies</h1>
      <SavedRepliesEditor />
    </main>
  );
}
