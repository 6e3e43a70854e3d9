// POST /api/attachments: multipart upload of one file (field "file"); 201 with its id, to be
// named in a message's `attachments`.
import { db } from '@/lib/db';
import { tooLarge, uploadAttachment } from '@/lib/attachments/attachments';
import { storage } from '@/lib/attachments/storage';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { ok, readBodyCapped, respond } from '@/lib/http/respond';

// Multipart framing around the file is small; a body much larger than the limit is refused
// while it is read, whether or not it declared its length.
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

export function POST(request: Request) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const body = await readBodyCapped(request, env.UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD_BYTES, tooLarge);
    const form = await new Response(body, { headers: { 'content-type': request.headers.get('content-type') ?? '' } })
      .formData()
      .catch(() => {
        throw new AppError('VALIDATION', 'Send the file as multipart/form-data in the field "file"');
      });
    const file = form.get('file');
    if (!(file instanceof Blob))
      throw new AppError('VALIDATION', 'Send the file as multipart/form-data in the field "file"');
    const name = file instanceof File ? file.name : 'attachment';
    const stored = await uploadAttachment(db, storage, user.id, {
      name,
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    return ok(stored, 201);
  });
}
