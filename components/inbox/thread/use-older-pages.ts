// Loads the next older page of history when the sentinel at the top of the scroller comes within
// 200px of view (IntersectionObserver), calling beforeLoad first (to hold the scroll position).
import { useEffect, useRef, type RefObject } from 'react';

export interface OlderPages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

export function useOlderPages(
  scrollerRef: RefObject<HTMLElement | null>,
  { hasNextPage, isFetchingNextPage, fetchNextPage }: OlderPages,
  beforeLoad: () => void,
) {
  const sentinelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = scrollerRef.current;
    const sentinel = sentinelRef.current;
    if (!root || !sentinel) return;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) {
          beforeLoad();
          void fetchNextPage();
        }
      },
      { root, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [scrollerRef, hasNextPage, isFetchingNextPage, fetchNextPage, beforeLoad]);
  return sentinelRef;
}
