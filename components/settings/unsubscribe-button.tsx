'use client';
// The unsubscribe page's one button: POSTs the signed token (the same one-click endpoint mail
// clients use) and says what happened.
import { useMutation } from '@tanstack/react-query';
import { sendJson } from '@/lib/client/api';

export function UnsubscribeButton({ token }: { token: string }) {
  const unsubscribe = useMutation({
    mutationFn: () => sendJson('POST', `/api/email/unsubscribe?token=${encodeURIComponent(token)}`),
  });
  if (unsubscribe.isSuccess) return <p role="status">Done: you will get no more emails about unread messages.</p>;
  return (
    <>
      <p>Stop getting an email when a message to you stays unread?</p>
      <button
        type="button"
        onClick={() => unsubscribe.mutate()}
        disabled={unsubscribe.isPending}
        className="self-start rounded-full bg-brand-600 px-5 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        Unsubscribe
      </button>
      {unsubscribe.isError && <p role="alert">{unsubscribe.error.message}</p>}
    </>
  );
}
