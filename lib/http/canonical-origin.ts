// In development, pages opened under the other loopback name than the app's origin (127.0.0.1 for
// http://localhost:3000, or the reverse) are redirected to that origin (next.config.ts). Under the other
// name `next dev` refuses its scripts (the page showed but never came alive), and the sign-in
// cookie, NEXTAUTH_URL's callbacks and the realtime server's CORS origin would not match either.
// A config redirect, not proxy.ts: Next.js rewrites a proxy's Location to a bare path when both
// names are loopback, which would redirect the page to itself. ([::1] cannot be matched: Next.js
// takes a `host` condition's hostname as the text before the first ':', which is '[' there.)

const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1'];

export interface HostRedirect {
  source: string;
  has: Array<{ type: 'host'; value: string }>;
  destination: string;
  permanent: false;
}

/** Redirect rules sending the other loopback names to `frontendUrl`; none for a public origin. */
export function loopbackRedirects(frontendUrl: string): HostRedirect[] {
  const origin = new URL(frontendUrl);
  if (!LOOPBACK_HOSTNAMES.includes(origin.hostname)) return [];
  return LOOPBACK_HOSTNAMES.filter((name) => name !== origin.hostname).map((name) => ({
    source: '/:path*',
    // Next.js matches `host` against the hostname alone, as a regular expression.
    has: [{ type: 'host', value: name.replace(/\./g, '\\.') }],
    destination: `${origin.origin}/:path*`,
    permanent: false,
  }));
}
