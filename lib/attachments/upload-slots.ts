// Uploads in flight per user, capped at UPLOAD_CONCURRENCY_PER_USER so that one user cannot hold
// many request bodies, parsers and partial files at once. The count lives in this process's
// memory: several web processes each apply the cap on their own (a user spread over N processes
// may have N times as many in flight); the quota of unclaimed uploads is the database-wide bound.
import { env } from '../env';
import { AppError } from '../errors';

const inFlight = new Map<string, number>();

/** Runs `upload` in one of the user's slots, or throws RATE_LIMITED when all are taken. */
export async function withUploadSlot<T>(
  userId: string,
  upload: () => Promise<T>,
  limit = env.UPLOAD_CONCURRENCY_PER_USER,
): Promise<T> {
  const taken = inFlight.get(userId) ?? 0;
  if (taken >= limit) {
    throw new AppError('RATE_LIMITED', `At most ${limit} uploads at a time; try again when one has finished`, {
      retryAfterSeconds: 1,
    });
  }
  inFlight.set(userId, taken + 1);
  try {
    return await upload();
  } finally {
    const left = inFlight.get(userId)! - 1;
    if (left > 0) inFlight.set(userId, left);
    else inFlight.delete(userId);
  }
}
