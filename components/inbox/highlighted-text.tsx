// Text with some of its ranges marked (a search's matches), for a result's snippet and the
// message a search opened.
import { splitByRanges, type TextRange } from '@/lib/chat/search-text';

export function HighlightedText({ text, ranges }: { text: string; ranges: readonly TextRange[] }) {
  return splitByRanges(text, ranges).map((piece, i) =>
    piece.match ? (
      <mark key={i} className="rounded-sm bg-amber-200 px-0.5 text-inherit dark:bg-amber-500/40">
        {piece.text}
      </mark>
    ) : (
      piece.text
    ),
  );
}
