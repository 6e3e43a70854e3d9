// GET /api/realtime/token: a short-lived token for the realtime server, signed-in users only,
// and only for the sign-in cookie: a Bearer token may not renew itself (FORBIDDEN).
import { authenticateRequest } from '@/lib/auth/authenticate';
import { issueRealtimeToken } from '@/lib/auth/realtime-token';
import { ok, respond } from '@/lib/http/respond';

export function GET(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request, { cookieOnly: true });
    const { token, expiresAt } = await issueRealtimeToken({ userId: user.id, sessionId: user.sessionId });
    return ok({ token, expiresAt, user: { id: user.id, name: user.name, email: user.email, role: user.role } });
  });
}
