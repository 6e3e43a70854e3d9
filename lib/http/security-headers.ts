// The browser-facing security headers of the web app. Pages get a Content-Security-Policy with a
// fresh nonce per request (proxy.ts; Next.js puts the nonce on its own scripts, the root layout on
// its inline one); every response gets the static headers (next.config.ts).

/** The Content-Security-Policy of a page. */
export function contentSecurityPolicy(options: {
  nonce: string;
  /** Where the browser opens its socket (NEXT_PUBLIC_REALTIME_URL). */
  realtimeUrl: string;
  /** `next dev`: React needs eval for its debugging aids there. */
  development: boolean;
  https: boolean;
}): string {
  const realtime = new URL(options.realtimeUrl);
  const socket = `${realtime.protocol === 'https:' ? 'wss' : 'ws'}://${realtime.host}`;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (positions set by React) cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    // Attachments are served by the app; the composer previews a picked file as a blob.
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${realtime.origin} ${socket}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Headers every response carries (next.config.ts `headers()`). */
export const STATIC_SECURITY_HEADERS: Array<{ key: string; value: string }> = [
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // For browsers that predate frame-ancestors.
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/** Strict-Transport-Security for an app served over HTTPS: browsers then never try plain HTTP. */
export const HSTS = 'max-age=31536000; includeSubDomains';
