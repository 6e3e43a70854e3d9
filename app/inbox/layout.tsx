// The inbox for a signed-in user: the realtime connection, the chat list and the open thread.
import { requireInboxUser } from '@/lib/auth/page-session';
import { env } from '@/lib/env';
import { InboxShell } from '@/components/inbox/inbox-shell';
import { RealtimeProvider, type CurrentUser } from '@/components/inbox/realtime-provider';

export const dynamic = 'force-dynamic';

export default async function InboxLayout({ children }: { children: React.ReactNode }) {
  const { id, name, role } = await requireInboxUser();
  const user: CurrentUser = { id, name, role };
  return (
    <RealtimeProvider user={user} realtimeUrl={env.NEXT_PUBLIC_REALTIME_URL}>
      <InboxShell>{children}</InboxShell>
    </RealtimeProvider>
  );
}
