import { describe, expect, it } from 'vitest';
import { DEMO_SECRET, parseEnv } from './env';

describe('parseEnv', () => {
  it('gives working defaults, with the URLs following the ports', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      REALTIME_PORT: 3001,
      FRONTEND_URL: 'http://localhost:3000',
      NEXT_PUBLIC_REALTIME_URL: 'http://localhost:3001',
    });
    expect(parseEnv({ PORT: '8080', REALTIME_PORT: '8081' })).toMatchObject({
      FRONTEND_URL: 'http://localhost:8080',
      NEXT_PUBLIC_REALTIME_URL: 'http://localhost:8081',
    });
    expect(parseEnv({ FRONTEND_URL: 'https://inbox.example.test' }).FRONTEND_URL).toBe('https://inbox.example.test');
  });

  it('reads the sign-in limit per client address (30 unless set; at least 1)', () => {
    expect(parseEnv({}).SIGN_IN_LIMIT_PER_IP).toBe(30);
    expect(parseEnv({ SIGN_IN_LIMIT_PER_IP: '1000' }).SIGN_IN_LIMIT_PER_IP).toBe(1000);
    expect(() => parseEnv({ SIGN_IN_LIMIT_PER_IP: '0' })).toThrow(/SIGN_IN_LIMIT_PER_IP/);
  });

  it('treats empty values as unset', () => {
    const env = parseEnv({ DATABASE_URL: '', PORT: '' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });

  it('refuses bad values with the variable named', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseEnv({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });

  it('refuses to start in production with the demo secrets', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: must be set to a real secret in production/,
    );
    expect(() =>
      parseEnv({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(32), NEXTAUTH_SECRET: DEMO_SECRET }),
    ).toThrow(/NEXTAUTH_SECRET/);
    expect(
      parseEnv({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(32), NEXTAUTH_SECRET: 'b'.repeat(32) }).NODE_ENV,
    ).toBe('production');
  });

  it('lets `next build` run without secrets (the built server checks them when it starts)', () => {
    expect(parseEnv({ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }).JWT_SECRET).toBe(DEMO_SECRET);
  });

  it('reads the attachment fetch allowance as host:port pairs, none unless set', () => {
    expect(parseEnv({}).ATTACHMENT_FETCH_ALLOW).toEqual([]);
    expect(
      parseEnv({ ATTACHMENT_FETCH_ALLOW: '127.0.0.1:3102, [::1]:8080,Files.Test:443' }).ATTACHMENT_FETCH_ALLOW,
    ).toEqual(['127.0.0.1:3102', '[::1]:8080', 'files.test:443']);
    expect(() => parseEnv({ ATTACHMENT_FETCH_ALLOW: '127.0.0.1' })).toThrow(/ATTACHMENT_FETCH_ALLOW/);
    expect(() => parseEnv({ ATTACHMENT_FETCH_ALLOW: 'http://127.0.0.1:3102' })).toThrow(/ATTACHMENT_FETCH_ALLOW/);
    expect(() => parseEnv({ ATTACHMENT_FETCH_ALLOW: '127.0.0.1:70000' })).toThrow(/ATTACHMENT_FETCH_ALLOW/);
  });

  it('refuses the attachment fetch allowance in production, except on the local stack of scripts/dev.ts', () => {
    const secrets = { JWT_SECRET: 'a'.repeat(32), NEXTAUTH_SECRET: 'b'.repeat(32) };
    expect(() => parseEnv({ NODE_ENV: 'production', ...secrets, ATTACHMENT_FETCH_ALLOW: '127.0.0.1:3102' })).toThrow(
      /ATTACHMENT_FETCH_ALLOW: is for tests/,
    );
    expect(() =>
      parseEnv({
        NODE_ENV: 'production',
        ...secrets,
        ATTACHMENT_FETCH_ALLOW: '127.0.0.1:3102',
        STAYEASY_LOCAL_STACK: '0',
      }),
    ).toThrow(/ATTACHMENT_FETCH_ALLOW/);
    const local = {
      NODE_ENV: 'production',
      ...secrets,
      ATTACHMENT_FETCH_ALLOW: '127.0.0.1:3102',
      STAYEASY_LOCAL_STACK: '1',
    };
    expect(parseEnv(local).ATTACHMENT_FETCH_ALLOW).toEqual(['127.0.0.1:3102']);
    // The build runs with the variables of the server it builds; the built server checks them.
    expect(
      parseEnv({
        NODE_ENV: 'production',
        NEXT_PHASE: 'phase-production-build',
        ATTACHMENT_FETCH_ALLOW: '127.0.0.1:3102',
      }).ATTACHMENT_FETCH_ALLOW,
    ).toEqual(['127.0.0.1:3102']);
    expect(() => parseEnv({ STAYEASY_LOCAL_STACK: 'yes' })).toThrow(/STAYEASY_LOCAL_STACK/);
    // Outside production it is what the tests run with.
    expect(parseEnv({ NODE_ENV: 'test', ATTACHMENT_FETCH_ALLOW: '127.0.0.1:3102' }).ATTACHMENT_FETCH_ALLOW).toEqual([
      '127.0.0.1:3102',
    ]);
  });
});
