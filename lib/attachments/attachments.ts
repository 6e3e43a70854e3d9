// Attachments: upload (streamed to storage, type checked from the first bytes, size bounded, a
// per-user quota of uploads not yet sent) and the rule for who may read a file: its uploader, or
// a member of the chat whose message (live or archived) holds it.
import { fileTypeFromBuffer, type FileTypeResult } from 'file-type';
import type { Db } from '../db';
import { env } from '../env';
import { AppError, notFound } from '../errors';
import { attachmentUrl } from '../chat/message-dto';
import type { AttachmentStorage } from './storage';

// The types an attachment may be, and the extensions its name may keep for each (the first is the
// one given otherwise).
const EXTENSIONS: Record<string, string[] | undefined> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

// file-type's own sample size for streams: enough for every type above.
const SNIFF_BYTES = 4100;

// Namespace of the per-user advisory lock that serializes a user's quota check and insert (the
// second key is the user id's hash; a collision only makes two users wait for each other).
const UPLOAD_QUOTA_LOCK = 0x5e_0a_11;

export function toFileDto(file: { id: string; originalName: string; mimeType: string; size: number; createdAt: Date }) {
  return {
    id: file.id,
    originalName: file.originalName,
    mimeType: file.mimeType,
    size: file.size,
    url: attachmentUrl(file.id),
    createdAt: file.createdAt.toISOString(),
  };
}
export type FileDto = ReturnType<typeof toFileDto>;

/**
 * Stores an upload as its bytes arrive. Refused (nothing stored: no row, no file) when it is
 * empty, over UPLOAD_MAX_BYTES (at the first byte over), not an allowed type (from its first
 * bytes), or over the uploader's quota of unclaimed uploads.
 */
export async function uploadAttachment(
  db: Db,
  storage: AttachmentStorage,
  uploaderId: string,
  file: { name: string; bytes: AsyncIterable<Uint8Array> },
): Promise<FileDto> {
  // Refused before a byte is stored when nothing is left of the quota; checked again, race-free,
  // with the real size when the row goes in.
  checkQuota(await unclaimedUsage(db, uploaderId), 1);
  const received: Received = { size: 0 };
  const key = await storage.put(checked(file.bytes, received));
  const { size, type } = received as Required<Received>;
  try {
    const row = await db.$transaction(async (tx) => {
      // A user's uploads pass here one at a time until commit: the count below, read after the
      // lock, sees every row a concurrent upload of theirs committed.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${UPLOAD_QUOTA_LOCK}::int, hashtext(${uploaderId}))`;
      checkQuota(await unclaimedUsage(tx, uploaderId), size);
      return tx.file.create({
        data: {
          uploaderId,
          originalName: fileNameFor(file.name, type.mime),
          mimeType: type.mime,
          size,
          storageKey: key,
        },
      });
    });
    return toFileDto(row);
  } catch (error) {
    // No orphan bytes when the row could not be stored; the row's error is the one to throw.
    await storage
      .delete(key)
      .catch((cleanup: unknown) => console.warn(`attachments: could not remove the bytes of ${key}`, cleanup));
    throw error;
  }
}

type Received = { size: number; type?: FileTypeResult };

/** The bytes, passed on once their type is known and allowed, cut off at the first byte over the limit. */
async function* checked(bytes: AsyncIterable<Uint8Array>, received: Received): AsyncGenerator<Uint8Array> {
  let head: Uint8Array[] = [];
  for await (const chunk of bytes) {
    received.size += chunk.byteLength;
    if (received.size > env.UPLOAD_MAX_BYTES) throw tooLarge();
    if (received.type) {
      yield chunk;
      continue;
    }
    head.push(chunk);
    if (received.size >= SNIFF_BYTES) {
      received.type = await sniff(head);
      yield* head;
      head = [];
    }
  }
  if (received.size === 0) throw new AppError('VALIDATION', 'The file is empty');
  if (!received.type) {
    received.type = await sniff(head);
    yield* head;
  }
}

// The declared Content-Type is the client's word; the bytes are the truth.
async function sniff(head: Uint8Array[]): Promise<FileTypeResult> {
  const type = await fileTypeFromBuffer(Buffer.concat(head));
  if (!type || !EXTENSIONS[type.mime]) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Only images (JPEG, PNG, GIF, WebP) and PDF files can be attached`);
  }
  return type;
}

/** The uploader's files that no message holds yet. */
async function unclaimedUsage(q: Pick<Db, '$queryRaw'>, uploaderId: string) {
  const [usage] = await q.$queryRaw<[{ count: number; bytes: number }]>`
    SELECT count(*)::int AS count, coalesce(sum(size), 0)::float8 AS bytes FROM files
    WHERE uploader_id = ${uploaderId} AND message_id IS NULL AND archived_message_id IS NULL`;
  return usage;
}

function checkQuota(usage: { count: number; bytes: number }, incomingBytes: number) {
  const mb = (bytes: number) => Math.floor(bytes / (1024 * 1024));
  if (usage.count >= env.UNCLAIMED_UPLOAD_MAX_COUNT || usage.bytes + incomingBytes > env.UNCLAIMED_UPLOAD_MAX_BYTES) {
    throw new AppError(
      'QUOTA_EXCEEDED',
      `Uploads not yet sent in a message are limited to ${env.UNCLAIMED_UPLOAD_MAX_COUNT} files and ` +
        `${mb(env.UNCLAIMED_UPLOAD_MAX_BYTES)} MB; you have ${usage.count} (${mb(usage.bytes)} MB). Send them first.`,
    );
  }
}

export async function readAttachment(db: Db, storage: AttachmentStorage, userId: string, fileId: string) {
  const member = { OR: [{ guestId: userId }, { ownerId: userId }] };
  const file = await db.file.findFirst({
    where: {
      id: fileId,
      OR: [{ uploaderId: userId }, { message: { chat: member } }, { archivedMessage: { chat: member } }],
    },
  });
  if (!file) throw notFound('File');
  return { file, ...(await storage.get(file.storageKey)) };
}

/**
 * Deletes an upload its uploader removed before sending it (row, then bytes), which gives its
 * place in the unsent-uploads quota back at once instead of after UNCLAIMED_UPLOAD_DAYS. One
 * statement: a send claiming the file at the same moment either wins (the file stays, CONFLICT)
 * or finds it gone.
 */
export async function deleteUnsentUpload(
  db: Db,
  storage: AttachmentStorage,
  userId: string,
  fileId: string,
  log: (error: unknown) => void,
): Promise<void> {
  const deleted = await db.$queryRaw<Array<{ storage_key: string }>>`
    DELETE FROM files
    WHERE id = ${fileId} AND uploader_id = ${userId} AND message_id IS NULL AND archived_message_id IS NULL
    RETURNING storage_key`;
  if (deleted.length === 0) {
    const own = await db.file.findFirst({ where: { id: fileId, uploaderId: userId }, select: { id: true } });
    if (!own) throw notFound('File');
    throw new AppError('CONFLICT', 'This file was sent in a message; it cannot be deleted on its own');
  }
  // After the commit: bytes that cannot be removed now are only disk space (no row names them).
  await storage.delete(deleted[0]!.storage_key).catch(log);
}

export function tooLarge(): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `Files may be at most ${Math.floor(env.UPLOAD_MAX_BYTES / (1024 * 1024))} MB`,
  );
}

// A display and download name only (never a path): no directories; no control characters, and no
// invisible formatting ones (bidi overrides and isolates, zero-width characters) that could make
// "invoice\u202Egnp.exe" read as "invoiceexe.png"; bounded length; and an extension that
// matches the sniffed type, so the name never claims another type than the bytes.
export function fileNameFor(name: string, mimeType: string): string {
  const extensions = EXTENSIONS[mimeType] ?? ['bin'];
  const cleaned = name
    .split(/[\\/]/)
    .pop()!
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"]/gu, '')
    .trim()
    .replace(/[. ]+$/, ''); // trailing dots and spaces vanish on Windows, exposing what precedes
  const dot = cleaned.lastIndexOf('.');
  const given = dot >= 0 ? cleaned.slice(dot + 1) : '';
  const ext = extensions.includes(given.toLowerCase()) ? given : extensions[0]!;
  // Cut by code points, not UTF-16 units: half a surrogate pair cannot be percent-encoded.
  const stem = Array.from((dot >= 0 ? cleaned.slice(0, dot) : cleaned).trim())
    .slice(0, 200 - ext.length - 1)
    .join('');
  return `${stem || 'attachment'}.${ext}`;
}
