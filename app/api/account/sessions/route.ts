// DELETE /api/account/sessions: sign out everywhere (every session of the user is revoked).
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { revokeAllSessions } from '@/lib/auth/sessions';
import { ok, respond } from '@/lib/http/respond';

export function DELETE(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    return ok({ revoked: await revokeAllSessions(db, user.id) });
  });
}
