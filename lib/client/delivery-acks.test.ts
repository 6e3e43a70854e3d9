import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_DELIVERY_CLAIMS } from '../chat/schemas';
import { DeliveryAcks } from './delivery-acks';

describe('DeliveryAcks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends one event per interval, naming for each chat the newest message received meanwhile', () => {
    const sent: Array<Array<{ chatId: string; messageId: string }>> = [];
    // random() = 0: the wait is the interval itself (up to half as long again otherwise).
    const acks = new DeliveryAcks(
      (claims) => void sent.push(claims),
      1000,
      () => 0,
    );
    acks.received('c1', { id: 'm2', createdAt: '2026-01-01T00:00:02.000Z' });
    acks.received('c1', { id: 'm1', createdAt: '2026-01-01T00:00:01.000Z' }); // older, arrived late
    acks.received('c2', { id: 'x1', createdAt: '2026-01-01T00:00:01.000Z' });
    acks.received('c1', { id: 'm3', createdAt: '2026-01-01T00:00:02.000Z' }); // same time, later id
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    // One event for both chats.
    expect(sent).toEqual([
      [
        { chatId: 'c1', messageId: 'm3' },
        { chatId: 'c2', messageId: 'x1' },
      ],
    ]);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(1);
    acks.received('c1', { id: 'm4', createdAt: '2026-01-01T00:00:03.000Z' });
    vi.advanceTimersByTime(1000);
    expect(sent.at(-1)).toEqual([{ chatId: 'c1', messageId: 'm4' }]);
  });

  it('waits up to half an interval longer, at random, so that clients do not acknowledge in step', () => {
    const sent: string[] = [];
    const acks = new DeliveryAcks(
      (claims) => void sent.push(...claims.map((c) => c.messageId)),
      1000,
      () => 0.999,
    );
    acks.received('c1', { id: 'm1', createdAt: '2026-01-01T00:00:01.000Z' });
    vi.advanceTimersByTime(1400);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['m1']);
  });

  it('splits more chats than one event may carry into several events', () => {
    const sent: number[] = [];
    const acks = new DeliveryAcks(
      (claims) => void sent.push(claims.length),
      1000,
      () => 0,
    );
    for (let i = 0; i < MAX_DELIVERY_CLAIMS + 5; i++)
      acks.received(`c${i}`, { id: `m${i}`, createdAt: '2026-01-01T00:00:01.000Z' });
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([MAX_DELIVERY_CLAIMS, 5]);
  });

  it('forgets what waits when cleared', () => {
    const sent: string[] = [];
    const acks = new DeliveryAcks((claims) => sent.push(...claims.map((c) => c.messageId)), 1000);
    acks.received('c1', { id: 'm1', createdAt: '2026-01-01T00:00:01.000Z' });
    acks.clear();
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([]);
  });
});
