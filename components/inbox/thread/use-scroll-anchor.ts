// The message scroller's position: it sticks to the bottom for new messages (while the reader is
// near the bottom, and the thread shows the present: not while `detached` far back in history,
// where newer pages are added below as the reader scrolls), and stays still when older messages
// are added above (holdPosition() before loading them; the position is restored once the oldest
// message changes).
import { useCallback, useLayoutEffect, useRef, type UIEvent } from 'react';
import { anchoredScrollTop, isNearBottom, type ScrollAnchor } from './thread-logic';

export function useScrollAnchor(
  oldestId: string | undefined,
  newestId: string | undefined,
  loaded: boolean,
  detached: boolean,
) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const anchor = useRef<ScrollAnchor | null>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = anchoredScrollTop(anchor.current, el.scrollHeight);
      anchor.current = null;
    }
  }, [oldestId]);
  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (el && atBottom.current && !detached) el.scrollTop = el.scrollHeight;
  }, [newestId, loaded, detached]);

  const onScroll = useCallback((e: UIEvent<HTMLDivElement>) => {
    atBottom.current = isNearBottom(e.currentTarget);
  }, []);
  const holdPosition = useCallback(() => {
    const el = scrollerRef.current;
    if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop };
  }, []);

  /** Stops sticking to the bottom (newer history is loading below what the reader is reading). */
  const releaseBottom = useCallback(() => {
    atBottom.current = false;
  }, []);

  /** Sticks to the bottom again (the newest messages are on their way). */
  const stickToBottom = useCallback(() => {
    atBottom.current = true;
  }, []);

  return { scrollerRef, onScroll, holdPosition, stickToBottom, releaseBottom };
}
