// /settings/notifications: the user's emails about unread messages.
import { PageFrame } from '@/components/page-frame';
import { requirePageUser } from '@/lib/auth/page-session';
import { EmailNotificationsForm } from '@/components/settings/email-notifications-form';

export const dynamic = 'force-dynamic';

export default async function NotificationSettingsPage() {
  await requirePageUser('/settings/notifications');
  return (
    <PageFrame title="Email notifications">
      <EmailNotificationsForm />
    </PageFrame>
  );
}
