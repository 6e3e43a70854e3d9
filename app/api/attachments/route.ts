// POST /api/attachments: multipart upload of one file (field "file"), streamed to storage as it
// arrives; 201 with its id, to be named in a message's `attachments`.
import { db } from '@/lib/db';
import { tooLarge, uploadAttachment } from '@/lib/attachments/attachments';
import { storage } from '@/lib/attachments/storage';
import { withUploadSlot } from '@/lib/attachments/upload-slots';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { env } from '@/lib/env';
import { ok, respond } from '@/lib/http/respond';
import { receiveMultipartFile } from '@/lib/http/multipart';

// Multipart framing around the file is small; a body much larger than the limit is refused
// while it is read, whether or not it declared its length.
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

export function POST(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const stored = await withUploadSlot(user.id, () =>
      receiveMultipartFile(
        request,
        { field: 'file', maxBodyBytes: env.UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD_BYTES, tooLarge },
        (file) => uploadAttachment(db, storage, user.id, { name: file.filename, bytes: file.bytes }),
      ),
    );
    return ok(stored, 201);
  });
}
