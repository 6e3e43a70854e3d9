// /settings/notifications: the user's emails about unread messages.
import Link from 'next/link';
import { requirePageUser } from '@/lib/auth/page-session';
import { EmailNotificationsForm } from '@/components/settings/email-notifications-form';

export const dynamic = 'force-dynamic';

export default async function NotificationSettingsPage() {
  await requirePageUser('/settings/notifications');
  return (
    <main className="mx-auto flex min-h-dvh max-w-2xl flex-col gap-4 p-4 sm:p-6">
      <Link href="/inbox" className="text-sm text-brand-700 underline dark:text-brand-100">
        ← Back to your inbox
      </Link>
      <h1 className="text-2xl font-semibold tracking-tight">Email notifications</h1>
      <EmailNotificationsForm />
    </main>
  );
}
