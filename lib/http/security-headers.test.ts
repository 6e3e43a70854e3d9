import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './security-headers';

describe('contentSecurityPolicy', () => {
  const base = { nonce: 'abc123', realtimeUrl: 'http://localhost:3001', development: false, https: false };

  it('allows scripts by nonce only, the realtime origin and its socket, and no framing', () => {
    const policy = contentSecurityPolicy(base);
    expect(policy).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).toContain("connect-src 'self' http://localhost:3001 ws://localhost:3001");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toContain('upgrade-insecure-requests');
  });

  it('uses wss for an https realtime server, upgrades requests over HTTPS, allows eval in development only', () => {
    const policy = contentSecurityPolicy({
      ...base,
      realtimeUrl: 'https://realtime.example.com',
      https: true,
      development: true,
    });
    expect(policy).toContain('https://realtime.example.com wss://realtime.example.com');
    expect(policy).toContain('upgrade-insecure-requests');
    expect(policy).toContain("'unsafe-eval'");
  });
});
