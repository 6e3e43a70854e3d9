// The pure side of search: folding like the database's search_key(), finding matches in the
// original text (offsets survive letters that fold to two), snippets and their highlights.
import { describe, expect, it } from 'vitest';
import { findMatches, foldForSearch, snippetOf, splitByRanges, SNIPPET_LENGTH } from './search-text';

describe('foldForSearch', () => {
  it('lowers case and drops accents, keeping where each folded letter came from', () => {
    expect(foldForSearch('Château ZOË').folded).toBe('chateau zoe');
    expect(foldForSearch('Ευχαριστώ').folded).toBe('ευχαριστω');
    const { folded, origin } = foldForSearch('Straße!');
    expect(folded).toBe('strasse!');
    expect(origin).toEqual([0, 1, 2, 3, 4, 4, 5, 6]);
  });
});

describe('findMatches', () => {
  it('finds every occurrence, in original offsets', () => {
    expect(findMatches('Kayaks and KAYAKS', 'kay')).toEqual([
      [0, 3],
      [11, 14],
    ]);
    expect(findMatches('Le château', 'chateau')).toEqual([[3, 10]]);
    // "ss" inside one "ß": the whole letter is the match.
    expect(findMatches('Straße', 'ss')).toEqual([[4, 5]]);
    expect(findMatches('Great 😀 stay', 'stay')).toEqual([[9, 13]]);
    expect(findMatches('😀😀x', '😀x')).toEqual([[2, 5]]);
    expect(findMatches('anything', '   ')).toEqual([]);
    expect(findMatches('no match here', 'xyz')).toEqual([]);
  });
});

describe('snippetOf', () => {
  it('shows short texts whole, on one line, with the matches', () => {
    expect(snippetOf('Door code\n4821#', '821')).toEqual({ text: 'Door code 4821#', highlights: [[11, 14]] });
  });

  it('starts a long text shortly before the first match, at a word, with ellipses where cut', () => {
    const text = `${'lorem ipsum '.repeat(20)}the KAYAKS are by the shed ${'dolor sit '.repeat(30)}`;
    const snippet = snippetOf(text, 'kayak');
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text.length).toBe(SNIPPET_LENGTH + 2);
    expect(snippet.text[1]).not.toBe(' ');
    expect(snippet.highlights).toHaveLength(1);
    const [start, end] = snippet.highlights[0]!;
    expect(snippet.text.slice(start, end)).toBe('KAYAK');
    expect(start).toBeLessThan(50);
  });

  it('has no highlight when the text does not hold the query (the database matched otherwise)', () => {
    expect(snippetOf('Ærøskøbing harbour', 'zzz')).toEqual({ text: 'Ærøskøbing harbour', highlights: [] });
  });
});

describe('splitByRanges', () => {
  it('cuts a text into plain and matched pieces', () => {
    expect(
      splitByRanges('a kayak b kayak', [
        [2, 7],
        [10, 15],
      ]),
    ).toEqual([
      { text: 'a ', match: false },
      { text: 'kayak', match: true },
      { text: ' b ', match: false },
      { text: 'kayak', match: true },
    ]);
    expect(splitByRanges('plain', [])).toEqual([{ text: 'plain', match: false }]);
  });
});
