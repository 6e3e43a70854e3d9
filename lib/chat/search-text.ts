// How a search query meets message text outside the database: the folding that matches the
// database's search_key() (prisma/migrations/…_search: lower case, accents removed), the places a
// query occurs in a text, and the snippet a search result shows around the first of them. Pure,
// so the server (snippets) and the browser (highlighting in the thread) share it.
// The database decides what matches; this only finds where. A text whose folding differs from
// PostgreSQL's unaccent on some rare letter still shows, from its start, without a highlight.

/** A half-open range [start, end) of UTF-16 offsets in the original text. */
export type TextRange = readonly [start: number, end: number];

export interface Snippet {
  text: string;
  /** Where the query occurs in `text`. */
  highlights: TextRange[];
}

// Letters unaccent rewrites to more than their base letter (or to another letter) that Unicode
// decomposition leaves as they are.
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ł: 'l',
  Ł: 'l',
  ı: 'i',
  þ: 'th',
  Þ: 'th',
};

function foldCharacter(character: string): string {
  return SPECIAL_FOLDS[character] ?? character.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** `text` folded, with the original offset each folded UTF-16 unit came from. */
export function foldForSearch(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let offset = 0;
  for (const character of text) {
    const piece = foldCharacter(character);
    folded += piece;
    for (let i = 0; i < piece.length; i++) origin.push(offset);
    offset += character.length;
  }
  return { folded, origin };
}

/** Every place `query` occurs in `text` (case and accents ignored), first to last, not overlapping. */
export function findMatches(text: string, query: string): TextRange[] {
  const needle = foldForSearch(query.trim()).folded;
  if (!needle) return [];
  const { folded, origin } = foldForSearch(text);
  const ranges: TextRange[] = [];
  for (let at = folded.indexOf(needle); at !== -1; at = folded.indexOf(needle, at + needle.length)) {
    const last = at + needle.length - 1;
    // The end is just past the original character the match's last folded unit came from.
    const end = origin[last]! + (text.codePointAt(origin[last]!)! > 0xffff ? 2 : 1);
    ranges.push([origin[at]!, end]);
  }
  return ranges;
}

/** Characters of context a snippet shows before its first match. */
const SNIPPET_LEAD = 40;
export const SNIPPET_LENGTH = 160;

/**
 * Up to SNIPPET_LENGTH characters of `text` on one line, starting a little before the first
 * match (cut at a space where one is near), with "…" where it was cut, and the matches within it.
 */
export function snippetOf(text: string, query: string): Snippet {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const matches = findMatches(oneLine, query);
  let start = 0;
  if (matches.length && matches[0]![0] > SNIPPET_LEAD) {
    start = matches[0]![0] - SNIPPET_LEAD;
    const space = oneLine.indexOf(' ', start);
    if (space !== -1 && space < matches[0]![0]) start = space + 1;
  }
  let end = Math.min(oneLine.length, start + SNIPPET_LENGTH);
  // Never split a surrogate pair at either end.
  if (end < oneLine.length && /[\uD800-\uDBFF]/.test(oneLine[end - 1]!)) end -= 1;
  if (start > 0 && /[\uDC00-\uDFFF]/.test(oneLine[start]!)) start += 1;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < oneLine.length ? '…' : '';
  const shift = prefix.length - start;
  const highlights = matches
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): TextRange => [s + shift, e + shift]);
  return { text: prefix + oneLine.slice(start, end) + suffix, highlights };
}

/** `text` cut into plain and matched pieces, in order, for rendering with <mark>. */
export function splitByRanges(text: string, ranges: readonly TextRange[]): Array<{ text: string; match: boolean }> {
  const pieces: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) pieces.push({ text: text.slice(at, start), match: false });
    pieces.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}
