import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { comparePositions, encodeCursor, parseCursor } from './cursor';

describe('history cursors', () => {
  const at = new Date('2026-03-04T05:06:07.089Z');

  it('round-trips a position', () => {
    const cursor = encodeCursor({ createdAt: at, id: 'cmabc123def456' });
    expect(cursor).toBe('2026-03-04T05:06:07.089Z_cmabc123def456');
    expect(parseCursor(cursor, 'before')).toEqual({ kind: 'position', createdAt: at, id: 'cmabc123def456' });
  });

  it("accepts the seed's bare ISO time as a position without a tie-breaker", () => {
    expect(parseCursor('2026-03-04T05:06:07Z', 'before')).toEqual({
      kind: 'position',
      createdAt: new Date('2026-03-04T05:06:07Z'),
      id: null,
    });
  });

  it('accepts a bare message id, to be resolved by the caller', () => {
    expect(parseCursor('cmabc123def456ghi', 'after')).toEqual({ kind: 'messageId', id: 'cmabc123def456ghi' });
  });

  it.each([
    '',
    'abc',
    '2026-13-45T99:99:99Z',
    '2026-03-04T05:06:07.089Z_',
    "x'; DROP TABLE messages;--",
    'Z'.repeat(200),
    '2026-03-04 05:06:07',
  ])('rejects %j with a VALIDATION error naming the parameter', (value) => {
    let error: unknown;
    try {
      parseCursor(value, 'after');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION');
    expect((error as AppError).message).toMatch(/"after"/);
  });

  it('orders by time, then by id for equal times', () => {
    const a = { createdAt: at, id: 'a' };
    const b = { createdAt: at, id: 'b' };
    const later = { createdAt: new Date(at.getTime() + 1), id: 'a' };
    expect(comparePositions(a, b)).toBeLessThan(0);
    expect(comparePositions(b, a)).toBeGreaterThan(0);
    expect(comparePositions(b, later)).toBeLessThan(0);
    expect(comparePositions(a, { ...a })).toBe(0);
  });
});
