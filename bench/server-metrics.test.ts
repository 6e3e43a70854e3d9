import { describe, expect, it } from 'vitest';
import { histogramBetween, parseMetrics, quantileOf } from './server-metrics';

const scrape = () =>
  parseMetrics(
    [
      '# HELP stage_seconds Time',
      '# TYPE stage_seconds histogram',
      'stage_seconds_bucket{le="+Inf",stage="queue"} 4',
      'other_total 7',
    ].join('\n'),
  );

describe('quantileOf', () => {
  it('interpolates inside the bucket that holds the rank', () => {
    const buckets = [
      { le: 1, count: 10 },
      { le: 2, count: 30 },
      { le: 4, count: 40 },
      { le: Infinity, count: 40 },
    ];
    expect(quantileOf(buckets, 0.25)).toBe(1); // rank 10: the top of the first bucket
    expect(quantileOf(buckets, 0.5)).toBe(1.5); // rank 20: half-way through (1, 2]
    expect(quantileOf(buckets, 0.99)).toBeCloseTo(3.92); // rank 39.6 in (2, 4]
  });

  it('reports the last finite bound for ranks past it, and NaN with no observation', () => {
    expect(
      quantileOf(
        [
          { le: 1, count: 1 },
          { le: Infinity, count: 100 },
        ],
        0.99,
      ),
    ).toBe(1);
    expect(
      quantileOf(
        [
          { le: 1, count: 0 },
          { le: Infinity, count: 0 },
        ],
        0.5,
      ),
    ).toBeNaN();
  });
});

describe('histogramBetween', () => {
  it('summarises only the observations made between two scrapes', () => {
    // As prom-client prints them: `le` first; another stage's series must not count.
    const before = parseMetrics(
      [
        'stage_seconds_bucket{le="0.001",stage="queue"} 5',
        'stage_seconds_bucket{le="0.002",stage="queue"} 5',
        'stage_seconds_bucket{le="+Inf",stage="queue"} 5',
        'stage_seconds_sum{stage="queue"} 0.004',
        'stage_seconds_count{stage="queue"} 5',
      ].join('\n'),
    );
    const after = parseMetrics(
      [
        'stage_seconds_bucket{le="0.001",stage="queue"} 5',
        'stage_seconds_bucket{le="0.002",stage="queue"} 15',
        'stage_seconds_bucket{le="+Inf",stage="queue"} 15',
        'stage_seconds_sum{stage="queue"} 0.019',
        'stage_seconds_count{stage="queue"} 15',
        'stage_seconds_bucket{le="0.001",stage="store"} 99',
        'stage_seconds_bucket{le="+Inf",stage="store"} 99',
      ].join('\n'),
    );
    const h = histogramBetween(before, after, 'stage_seconds', 'stage="queue"');
    expect(h.count).toBe(10);
    expect(h.mean).toBeCloseTo(0.0015);
    // All ten new observations fell in (0.001, 0.002]: the median is half-way through it.
    expect(h.p50).toBeCloseTo(0.0015);
  });

  it('parses the text format, skipping comments', () => {
    const parsed = scrape();
    expect(parsed.get('other_total')).toBe(7);
    expect(parsed.get('stage_seconds_bucket{le="+Inf",stage="queue"}')).toBe(4);
    expect(parsed.size).toBe(2);
  });
});
