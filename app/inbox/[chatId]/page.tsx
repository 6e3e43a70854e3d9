// /inbox/:chatId, one open thread. Checks the session itself: the layout is not rendered again
// when the user navigates between threads.
import { ThreadView } from '@/components/inbox/thread-view';
import { requireInboxUser } from '@/lib/auth/page-session';

export default async function ThreadPage({ params }: { params: Promise<{ chatId: string }> }) {
  await requireInboxUser();
  const { chatId } = await params;
  return <ThreadView key={chatId} chatId={chatId} />;
}
