// Showing one message of the thread on request (a reply's quote was clicked, or a search result
// named it in the URL: ?message=<id>&q=<search>): loads the history around it when it is not
// loaded, scrolls it to the middle of the view once rendered, and highlights it for a moment.
import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { showMessageInThread } from '@/lib/client/queries';

const HIGHLIGHT_MS = 2_500;

export function useHighlightedMessage(
  scrollerRef: RefObject<HTMLElement | null>,
  chatId: string,
  renderedIds: readonly { id: string }[],
) {
  const queryClient = useQueryClient();
  const [highlighted, setHighlighted] = useState<{ id: string; request: number } | null>(null);
  const highlightedId = highlighted?.id ?? null;
  const [notice, setNotice] = useState<string | null>(null);
  // Set until the message has been scrolled to: it may render only after its page arrives.
  const scrollPending = useRef<string | null>(null);

  // Once the message is in the cached thread (or known not to exist): scroll to it and mark it.
  const reveal = useCallback((messageId: string, found: boolean) => {
    if (!found) {
      setNotice('That message is not available.');
      return;
    }
    setNotice(null);
    scrollPending.current = messageId;
    // A new request each time: the same quote chosen again scrolls to it again.
    setHighlighted((previous) => ({ id: messageId, request: (previous?.request ?? 0) + 1 }));
  }, []);

  const showMessage = useCallback(
    async (messageId: string) => reveal(messageId, await showMessageInThread(queryClient, chatId, messageId)),
    [queryClient, chatId, reveal],
  );

  useEffect(() => {
    const id = scrollPending.current;
    if (!id) return;
    const element = scrollerRef.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
    if (!element) return;
    scrollPending.current = null;
    element.scrollIntoView({ block: 'center' });
  }, [scrollerRef, renderedIds, highlighted]);

  useEffect(() => {
    if (!highlighted) return;
    const timer = setTimeout(() => setHighlighted(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlighted]);

  // A search result opens the thread at its message, whose match stays marked while the URL names it.
  const searchParams = useSearchParams();
  const requestedId = searchParams.get('message');
  const searchText = searchParams.get('q');
  useEffect(() => {
    if (!requestedId) return;
    let current = true;
    void showMessageInThread(queryClient, chatId, requestedId).then((found) => current && reveal(requestedId, found));
    return () => {
      current = false;
    };
  }, [queryClient, chatId, requestedId, reveal]);
  const match = requestedId && searchText ? { messageId: requestedId, text: searchText } : null;

  return { highlightedId, notice, showMessage, match };
}
