import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from './csrf';

const APP = 'http://localhost:3000';
const request = (method: string, headers: Record<string, string> = {}) =>
  new Request(`${APP}/api/chats/c1/messages`, { method, headers });

describe('crossSiteRefusal', () => {
  it('lets the app’s own pages and non-browser clients write', () => {
    expect(crossSiteRefusal(request('POST', { origin: APP, 'sec-fetch-site': 'same-origin' }), APP)).toBeNull();
    expect(crossSiteRefusal(request('POST'), APP)).toBeNull();
    expect(crossSiteRefusal(request('GET', { origin: 'http://evil.test' }), APP)).toBeNull();
  });

  it('refuses writes from another origin, another port of the same host included', () => {
    expect(crossSiteRefusal(request('POST', { origin: 'http://localhost:4000' }), APP)).toBe(
      'a request from http://localhost:4000',
    );
    expect(crossSiteRefusal(request('DELETE', { origin: 'https://sub.example.com' }), APP)).toMatch(/sub.example.com/);
    expect(crossSiteRefusal(request('POST', { 'sec-fetch-site': 'same-site' }), APP)).toBe('a same-site request');
    expect(crossSiteRefusal(request('PATCH', { 'sec-fetch-site': 'cross-site' }), APP)).toBe('a cross-site request');
    // A sandboxed or privacy-stripped page sends "null".
    expect(crossSiteRefusal(request('POST', { origin: 'null' }), APP)).toBe('a request from null');
  });
});
