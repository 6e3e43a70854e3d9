// GET /api/attachments/:fileId: the file, to its uploader and the members of its chat only. A
// file named by URL is fetched on its first read and then served like an upload, from here only
// (502 REMOTE_FETCH_REFUSED when the server it names fails).
// DELETE: its uploader removes it while no message holds it.
import { db } from '@/lib/db';
import { deleteUnsentUpload, fileNameFor, readAttachment } from '@/lib/attachments/attachments';
import { storage } from '@/lib/attachments/storage';
import { authenticateRequest } from '@/lib/auth/authenticate';
import { fileIdParamsSchema } from '@/lib/chat';
import { logger } from '@/lib/logger';
import { ok, respond } from '@/lib/http/respond';
import { parseInput } from '@/lib/validation';

type Context = { params: Promise<{ fileId: string }> };

export function GET(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { fileId } = parseInput(fileIdParamsSchema, await context.params, 'file id');
    const { file, stream, size } = await readAttachment(db, storage, user.id, fileId);
    // Images show inline; anything else (PDF) downloads. The type is the sniffed one, and
    // nosniff stops the browser from guessing another. The name is cleaned again here: rows
    // stored before names were cleaned at upload may still carry a misleading one.
    const disposition = file.mimeType.startsWith('image/') ? 'inline' : 'attachment';
    const filename = encodeRfc5987(fileNameFor(file.originalName, file.mimeType));
    // Streamed from storage: a download holds a chunk in memory, not the whole file.
    return new Response(stream, {
      headers: {
        'content-type': file.mimeType,
        'content-length': String(size),
        'content-disposition': `${disposition}; filename*=UTF-8''${filename}`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, max-age=3600',
        'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      },
    });
  });
}

// DELETE /api/attachments/:fileId: the uploader removes a file not yet sent in a message.
export function DELETE(request: Request, context: Context) {
  return respond(async () => {
    const user = await authenticateRequest(request);
    const { fileId } = parseInput(fileIdParamsSchema, await context.params, 'file id');
    await deleteUnsentUpload(db, storage, user.id, fileId, (err) =>
      logger.warn({ err, fileId }, 'removed upload: its bytes could not be deleted'),
    );
    return ok({ id: fileId });
  });
}

// filename*'s value: percent-encoded UTF-8, including the few characters encodeURIComponent leaves
// but RFC 5987 does not allow there.
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
