// GET: the user's email setting for unread messages. PATCH { emailNotifications: 'on' |
// 'hide_text' | 'off' }: change it.
import { db } from '@/lib/db';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { ok, readJson, respond } from '@/lib/http/respond';
import { emailNotificationsSchema } from '@/lib/notifications/schemas';
import { getEmailNotifications, setEmailNotifications } from '@/lib/notifications/unread-emails';
import { parseInput } from '@/lib/validation';

export function GET(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    return ok({ emailNotifications: await getEmailNotifications(db, user.id) });
  });
}

export function PATCH(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { emailNotifications } = parseInput(emailNotificationsSchema, await readJson(request), 'setting');
    return ok({ emailNotifications: await setEmailNotifications(db, user.id, emailNotifications) });
  });
}
