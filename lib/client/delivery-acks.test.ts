import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryAcks } from './delivery-acks';

describe('DeliveryAcks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends one ack per chat per interval, naming the newest message received meanwhile', () => {
    const sent: Array<[string, string]> = [];
    // random() = 0: the wait is the interval itself (up to half as long again otherwise).
    const acks = new DeliveryAcks(
      (chatId, messageId) => sent.push([chatId, messageId]),
      1000,
      () => 0,
    );
    acks.received('c1', { id: 'm2', createdAt: '2026-01-01T00:00:02.000Z' });
    acks.received('c1', { id: 'm1', createdAt: '2026-01-01T00:00:01.000Z' }); // older, arrived late
    acks.received('c2', { id: 'x1', createdAt: '2026-01-01T00:00:01.000Z' });
    acks.received('c1', { id: 'm3', createdAt: '2026-01-01T00:00:02.000Z' }); // same time, later id
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([
      ['c1', 'm3'],
      ['c2', 'x1'],
    ]);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(2);
    acks.received('c1', { id: 'm4', createdAt: '2026-01-01T00:00:03.000Z' });
    vi.advanceTimersByTime(1000);
    expect(sent.at(-1)).toEqual(['c1', 'm4']);
  });

  it('waits up to half an interval longer, at random, so that clients do not acknowledge in step', () => {
    const sent: string[] = [];
    const acks = new DeliveryAcks(
      (_, messageId) => sent.push(messageId),
      1000,
      () => 0.999,
    );
    acks.received('c1', { id: 'm1', createdAt: '2026-01-01T00:00:01.000Z' });
    vi.advanceTimersByTime(1400);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['m1']);
  });

  it('forgets what waits when cleared', () => {
    const sent: string[] = [];
    const acks = new DeliveryAcks((_, messageId) => sent.push(messageId), 1000);
    acks.received('c1', { id: 'm1', createdAt: '2026-01-01T00:00:01.000Z' });
    acks.clear();
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([]);
  });
});
