// Granting and taking back the ADMIN role (the moderators who see reports), for
// `npm run admin:grant`. There is no UI for it on purpose: whoever runs the script holds the
// database. Each change writes an audit_logs row. Taking it back makes the user a GUEST again, or
// an OWNER when they own properties.
import type { Db } from '../db';
import { AppError, notFound } from '../errors';

export const ADMIN_AUDIT = { granted: 'ADMIN_GRANTED', revoked: 'ADMIN_REVOKED' } as const;

/** Sets or takes back ADMIN for the user with this email; answers the role before and after. */
export async function setAdmin(db: Db, email: string, admin: boolean) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { email: email.trim().toLowerCase() },
      select: { id: true, role: true, _count: { select: { properties: true } } },
    });
    if (!user) throw notFound('User');
    if (!admin && user.role !== 'ADMIN') throw new AppError('CONFLICT', 'This user is not an admin');
    const role = admin ? 'ADMIN' : user._count.properties > 0 ? 'OWNER' : 'GUEST';
    if (role !== user.role) {
      await tx.user.update({ where: { id: user.id }, data: { role } });
      await tx.auditLog.create({
        data: {
          action: admin ? ADMIN_AUDIT.granted : ADMIN_AUDIT.revoked,
          actorId: null,
          details: { userId: user.id, from: user.role, to: role },
        },
      });
    }
    return { userId: user.id, from: user.role, to: role };
  });
}
