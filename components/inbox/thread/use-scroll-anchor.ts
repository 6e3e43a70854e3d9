// The message scroller's position: it sticks to the bottom for new messages (while the reader is
// near the bottom, and the thread shows the present: not while `detached` far back in history,
// where newer pages are added below as the reader scrolls), and stays still when older messages
// are added above (holdPosition() before loading them; the position is restored once the oldest
// message changes). `atBottom` is also state, for what the view shows while the reader is up in
// the history (the "Jump to latest" count).
import { useCallback, useLayoutEffect, useRef, useState, type UIEvent } from 'react';
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
  const [atBottomShown, setAtBottomShown] = useState(true);

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
    setAtBottomShown(atBottom.current);
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
    setAtBottomShown(true);
  }, []);

  return { scrollerRef, onScroll, holdPosition, stickToBottom, releaseBottom, atBottom: atBottomShown };
}
