// /api/auth/*: next-auth (sign-in, sign-out, session, CSRF), on a plain Request (see
// lib/auth/next-auth-route.ts).
import { authOptions } from '@/lib/auth/options';
import { nextAuthRoute } from '@/lib/auth/next-auth-route';

const handler = nextAuthRoute(authOptions);
export { handler as GET, handler as POST };
