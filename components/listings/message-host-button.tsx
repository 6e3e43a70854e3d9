'use client';
// "Message the host": opens the signed-in guest's conversation about a property (the existing one,
// or a new one: POST /api/chats answers either) and lands in the thread with the composer focused.
// One self-contained component, so that StayEasy's listing pages can embed it with the property's
// id alone (README, "Starting a conversation"). The server refuses an owner messaging their own
// property (FORBIDDEN); pages that know the viewer owns it do not show the button at all.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ChatSummary } from '@/lib/chat/chats';
import { postJson } from '@/lib/client/api';
import { COMPOSE_PARAM } from '@/components/inbox/composer';

export function MessageHostButton({ propertyId, label = 'Message the host' }: { propertyId: string; label?: string }) {
  const router = useRouter();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  async function open() {
    setState({ busy: true, error: null });
    try {
      const chat = await postJson<Pick<ChatSummary, 'id'>>('/api/chats', { propertyId });
      router.push(`/inbox/${chat.id}?${COMPOSE_PARAM}=1`);
    } catch (error) {
      setState({ busy: false, error: (error as Error).message });
    }
  }
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button
        type="button"
        onClick={() => void open()}
        disabled={state.busy}
        aria-busy={state.busy}
        className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-brand-700 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60"
        data-testid="message-host"
      >
        {state.busy ? 'Opening…' : label}
      </button>
      {state.error && (
        <span role="alert" className="text-sm text-red-600">
          {state.error}
        </span>
      )}
    </span>
  );
}
