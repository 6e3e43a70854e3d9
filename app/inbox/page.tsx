// /inbox without a chat open. Checks the session itself: the layout is not rendered again when
// the user navigates here from a thread.
import { requireInboxUser } from '@/lib/auth/page-session';

export default async function InboxHome() {
  await requireInboxUser();
  return (
    <div className="hidden h-full flex-col items-center justify-center gap-2 p-8 text-center text-slate-500 md:flex dark:text-slate-400">
      <p className="text-lg font-medium text-slate-700 dark:text-slate-200">Select a conversation</p>
      <p className="text-sm">Your messages with hosts and guests appear on the left.</p>
    </div>
  );
}
