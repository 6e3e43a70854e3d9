// /unsubscribe?token=…: where an unread-messages email's "unsubscribe" link lands. No sign-in:
// the signed token names the account. It asks before turning the emails off (link scanners open
// links; only the button's POST changes anything).
import Link from 'next/link';
import { env } from '@/lib/env';
import { userOfUnsubscribeToken } from '@/lib/notifications/unsubscribe-token';
import { UnsubscribeButton } from '@/components/settings/unsubscribe-button';

export const dynamic = 'force-dynamic';

export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  let valid = false;
  try {
    if (token) valid = Boolean(userOfUnsubscribeToken(token, env.NEXTAUTH_SECRET));
  } catch {
    valid = false;
  }
  return (
    <main className="mx-auto flex min-h-dvh max-w-lg flex-col justify-center gap-4 p-6">
      <h1 className="text-2xl font-semibold tracking-tight">Emails about unread messages</h1>
      {valid && token ? (
        <UnsubscribeButton token={token} />
      ) : (
        <p role="alert">This unsubscribe link is not valid. Sign in to change your email settings.</p>
      )}
      <Link href="/settings/notifications" className="text-sm text-brand-700 underline dark:text-brand-100">
        Email settings
      </Link>
    </main>
  );
}
