// Runs before every page request (not the API, not static files): a fresh nonce and the page's
// Content-Security-Policy (lib/http/security-headers.ts), and HSTS when the app is served over
// HTTPS. Next.js reads the nonce from the request's CSP header and puts it on its scripts.
import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { contentSecurityPolicy, HSTS } from '@/lib/http/security-headers';

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const https = env.FRONTEND_URL.startsWith('https:');
  const policy = contentSecurityPolicy({
    nonce,
    realtimeUrl: env.NEXT_PUBLIC_REALTIME_URL,
    development: env.NODE_ENV === 'development',
    https,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  if (https) response.headers.set('Strict-Transport-Security', HSTS);
  return response;
}

export const config = {
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
