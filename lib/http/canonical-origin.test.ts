import { describe, expect, it } from 'vitest';
import { loopbackRedirects } from './canonical-origin';

describe('loopbackRedirects', () => {
  it('sends the other loopback names to the configured origin, path kept', () => {
    const rules = loopbackRedirects('http://localhost:3000');
    expect(rules.map((rule) => rule.has[0]!.value)).toEqual(['127\\.0\\.0\\.1']);
    for (const rule of rules) {
      expect(rule).toMatchObject({ source: '/:path*', destination: 'http://localhost:3000/:path*', permanent: false });
    }
  });

  it('works the other way round when the origin is 127.0.0.1', () => {
    const rules = loopbackRedirects('http://127.0.0.1:3100');
    expect(rules.map((rule) => rule.has[0]!.value)).toEqual(['localhost']);
    expect(rules[0]!.destination).toBe('http://127.0.0.1:3100/:path*');
  });

  it('adds nothing for a public origin', () => {
    expect(loopbackRedirects('https://inbox.example.com')).toEqual([]);
  });

  it('writes patterns that match their own name only', () => {
    const [ipv4] = loopbackRedirects('http://localhost:3000');
    const pattern = new RegExp(`^${ipv4!.has[0]!.value}$`);
    expect(pattern.test('127.0.0.1')).toBe(true);
    expect(pattern.test('127a0b0c1')).toBe(false);
  });
});
