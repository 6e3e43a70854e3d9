import { ThreadView } from '@/components/inbox/thread-view';

export default async function ThreadPage({ params }: { params: Promise<{ chatId: string }> }) {
  const { chatId } = await params;
  return <ThreadView key={chatId} chatId={chatId} />;
}
