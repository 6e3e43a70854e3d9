// The inbox for a signed-in user: the realtime connection, the chat list and the open thread.
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import { authOptions } from '@/lib/auth/options';
import { env } from '@/lib/env';
import { InboxShell } from '@/components/inbox/inbox-shell';
import { RealtimeProvider, type CurrentUser } from '@/components/inbox/realtime-provider';

export const dynamic = 'force-dynamic';

export default async function InboxLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  const sessionUser = session?.user as { id?: string; name?: string | null; role?: CurrentUser['role'] } | undefined;
  if (!sessionUser?.id) redirect('/login?callbackUrl=/inbox');
  const user: CurrentUser = { id: sessionUser.id, name: sessionUser.name ?? '', role: sessionUser.role ?? 'GUEST' };
  return (
    <RealtimeProvider user={user} realtimeUrl={env.NEXT_PUBLIC_REALTIME_URL}>
      <InboxShell>{children}</InboxShell>
    </RealtimeProvider>
  );
}
