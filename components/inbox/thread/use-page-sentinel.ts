// Loads the next page of history when a sentinel at one edge of the scroller comes within 200px
// of view (IntersectionObserver): older pages at the top, newer ones at the bottom of a thread
// opened far back in history. beforeLoad runs first (to hold the scroll position).
import { useEffect, useRef, type RefObject } from 'react';

export interface HistoryPages {
  hasPage: boolean;
  isFetching: boolean;
  fetchPage: () => Promise<unknown>;
}

export function usePageSentinel(
  scrollerRef: RefObject<HTMLElement | null>,
  edge: 'top' | 'bottom',
  { hasPage, isFetching, fetchPage }: HistoryPages,
  beforeLoad?: () => void,
) {
  const sentinelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = scrollerRef.current;
    const sentinel = sentinelRef.current;
    if (!root || !sentinel) return;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting && hasPage && !isFetching) {
          beforeLoad?.();
          void fetchPage();
        }
      },
      { root, rootMargin: edge === 'top' ? '200px 0px 0px 0px' : '0px 0px 200px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [scrollerRef, edge, hasPage, isFetching, fetchPage, beforeLoad]);
  return sentinelRef;
}
