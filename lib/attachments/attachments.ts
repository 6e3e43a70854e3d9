// Attachments: upload (streamed to storage, type checked from the first bytes, size bounded, a
// per-user quota of uploads not yet sent) and the rule for who may read a file: its uploader, or
// a member of the chat whose message (live or archived) holds it. A file named by URL at send
// has no bytes until its first read, which fetches them (lib/attachments/remote-fetch.ts) through
// the uploads' same size and type checks, so it is served from the app's origin only, exactly
// as an upload would be.
import { fileTypeFromBuffer, type FileTypeResult } from 'file-type';
import type { Db } from '../db';
import type { File } from '../db/generated/client';
import { env } from '../env';
import { AppError, notFound } from '../errors';
import { attachmentUrl } from '../chat/message-dto';
import { attachmentFetchAllowance } from './attachment-urls';
import { fetchRemoteFile, type RemoteFetchRefusal } from './remote-fetch';
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

/**
 * The file and its bytes, to its uploader and the members of its chat (anyone else: NOT_FOUND).
 * A file named by URL is fetched on its first read (see fetchRemoteAttachment); if that fails,
 * REMOTE_FETCH_REFUSED.
 */
export async function readAttachment(db: Db, storage: AttachmentStorage, userId: string, fileId: string) {
  const member = { OR: [{ guestId: userId }, { ownerId: userId }] };
  const found = await db.file.findFirst({
    where: {
      id: fileId,
      OR: [{ uploaderId: userId }, { message: { chat: member } }, { archivedMessage: { chat: member } }],
    },
  });
  if (!found) throw notFound('File');
  const file = hasBytes(found) ? found : await fetchRemoteAttachment(db, storage, found.id);
  return { file, ...(await storage.get(file.storageKey)) };
}

/** After a failed fetch, a file named by URL is not fetched again for this long: reads are refused at once. */
export const REMOTE_FETCH_RETRY_MINUTES = 10;

type StoredFile = File & { storageKey: string };
const hasBytes = (file: File): file is StoredFile => file.storageKey !== null;

// The fetches under way in this process, by file id: concurrent first reads share one. Across
// processes the conditional UPDATE below decides, and the loser's bytes go.
const fetching = new Map<string, Promise<StoredFile>>();

/**
 * Fetches the bytes of a file named by URL and stores them as an upload's: capped at
 * UPLOAD_MAX_BYTES, typed from the first bytes (only the types uploads may be), named with that
 * type's extension. Any failure (the fetcher's refusals, a body of a type not allowed, an empty
 * one) is recorded (fetch_failed_at) and answered REMOTE_FETCH_REFUSED (502: the server the URL
 * names failed, not the reader); for REMOTE_FETCH_RETRY_MINUTES after it, the same answer comes
 * at once, without fetching.
 */
export function fetchRemoteAttachment(db: Db, storage: AttachmentStorage, fileId: string): Promise<StoredFile> {
  let pending = fetching.get(fileId);
  if (!pending) {
    pending = fetchAndStore(db, storage, fileId).finally(() => fetching.delete(fileId));
    fetching.set(fileId, pending);
  }
  return pending;
}

async function fetchAndStore(db: Db, storage: AttachmentStorage, fileId: string): Promise<StoredFile> {
  // Read again: another process may have fetched it, or failed to, since the caller read it.
  const file = await db.file.findUnique({ where: { id: fileId } });
  if (!file) throw notFound('File');
  if (hasBytes(file)) return file;
  if (!file.sourceUrl) throw new AppError('INTERNAL', 'A file has neither bytes nor a source');
  if (file.fetchFailedAt) {
    // The database's clock, which stamped the failure.
    const [{ wait }] = await db.$queryRaw<[{ wait: number }]>`
      SELECT ceil(extract(epoch FROM ${file.fetchFailedAt}::timestamptz
        + ${REMOTE_FETCH_RETRY_MINUTES} * interval '1 minute' - now()))::int AS wait`;
    if (wait > 0) {
      throw remoteRefusal('failed-recently', `it failed less than ${REMOTE_FETCH_RETRY_MINUTES} minutes ago`, {
        retryAfterSeconds: wait,
      });
    }
  }

  const received: Received = { size: 0 };
  let key: string;
  try {
    const remote = await fetchRemoteFile(file.sourceUrl, {
      maxBytes: env.UPLOAD_MAX_BYTES,
      allow: attachmentFetchAllowance(),
    });
    key = await storage.put(checked(remote.body, received));
  } catch (error) {
    const refusal = upstreamRefusal(error);
    // Anything else (our storage, our database) is no fault of the URL: tried again next read.
    if (!refusal) throw error;
    await db.$executeRaw`UPDATE files SET fetch_failed_at = now() WHERE id = ${fileId} AND storage_key IS NULL`;
    throw refusal;
  }

  const { size, type } = received as Required<Received>;
  const dropBytes = () =>
    storage
      .delete(key)
      .catch((cleanup: unknown) => console.warn(`attachments: could not remove the bytes of ${key}`, cleanup));
  let stored: File[];
  try {
    stored = await db.file.updateManyAndReturn({
      where: { id: fileId, storageKey: null },
      data: {
        storageKey: key,
        mimeType: type.mime,
        size,
        originalName: fileNameFor(file.originalName, type.mime),
        fetchFailedAt: null,
      },
    });
  } catch (error) {
    await dropBytes();
    throw error;
  }
  const [mine] = stored;
  if (mine && hasBytes(mine)) return mine;
  // Another process stored it first (theirs is served), or the message was unsent meanwhile.
  await dropBytes();
  const current = await db.file.findUnique({ where: { id: fileId } });
  if (!current || !hasBytes(current)) throw notFound('File');
  return current;
}

/** Why a file named by URL could not be fetched: the fetcher's reasons, and those of its bytes. */
type RemoteAttachmentRefusal = RemoteFetchRefusal | 'type' | 'empty' | 'failed-recently';

function remoteRefusal(
  reason: RemoteAttachmentRefusal,
  why: string,
  extra: { cause?: unknown; retryAfterSeconds?: number } = {},
): AppError {
  return new AppError('REMOTE_FETCH_REFUSED', `The file could not be fetched: ${why}`, {
    details: { reason },
    ...extra,
  });
}

/** The failure of a fetch as REMOTE_FETCH_REFUSED, or null when it is not the URL's. */
function upstreamRefusal(error: unknown): AppError | null {
  if (!(error instanceof AppError)) return null;
  switch (error.code) {
    case 'REMOTE_FETCH_REFUSED':
      return error;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return remoteRefusal('type', 'it is not an image (JPEG, PNG, GIF, WebP) or a PDF file', { cause: error });
    case 'PAYLOAD_TOO_LARGE':
      return remoteRefusal('too-large', `the file is larger than ${env.UPLOAD_MAX_BYTES} bytes`, { cause: error });
    case 'VALIDATION':
      return remoteRefusal('empty', 'the file is empty', { cause: error });
    default:
      return null;
  }
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
  const deleted = await db.$queryRaw<Array<{ storage_key: string | null }>>`
    DELETE FROM files
    WHERE id = ${fileId} AND uploader_id = ${userId} AND message_id IS NULL AND archived_message_id IS NULL
    RETURNING storage_key`;
  if (deleted.length === 0) {
    const own = await db.file.findFirst({ where: { id: fileId, uploaderId: userId }, select: { id: true } });
    if (!own) throw notFound('File');
    throw new AppError('CONFLICT', 'This file was sent in a message; it cannot be deleted on its own');
  }
  // After the commit: bytes that cannot be removed now are only disk space (no row names them).
  // A file named by URL that was never fetched has none.
  const key = deleted[0]!.storage_key;
  if (key !== null) await storage.delete(key).catch(log);
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
  const cleaned = cleanName(name);
  const dot = cleaned.lastIndexOf('.');
  const given = dot >= 0 ? cleaned.slice(dot + 1) : '';
  const ext = extensions.includes(given.toLowerCase()) ? given : extensions[0]!;
  // Cut by code points, not UTF-16 units: half a surrogate pair cannot be percent-encoded.
  const stem = Array.from((dot >= 0 ? cleaned.slice(0, dot) : cleaned).trim())
    .slice(0, 200 - ext.length - 1)
    .join('');
  return `${stem || 'attachment'}.${ext}`;
}

/**
 * The name of a file named by URL until it is fetched: the URL path's last segment, decoded and
 * cleaned as a file name is (fileNameFor then fixes its extension from the bytes).
 */
export function nameOfUrl(url: URL): string {
  const segment = url.pathname.split('/').filter(Boolean).pop() ?? '';
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // A stray % is kept as it is.
  }
  return (
    Array.from(cleanName(decoded))
      .slice(0, 200)
      .join('')
      .replace(/[. ]+$/, '') || 'attachment'
  );
}

function cleanName(name: string): string {
  return name
    .split(/[\\/]/)
    .pop()!
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"]/gu, '')
    .trim()
    .replace(/[. ]+$/, ''); // trailing dots and spaces vanish on Windows, exposing what precedes
}
