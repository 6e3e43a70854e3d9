// Attachments: upload (type checked from the bytes, size bounded) and the rule for who may read
// a file: its uploader, or a member of the chat whose message (live or archived) holds it.
import { fileTypeFromBuffer } from 'file-type';
import type { Db } from '../db';
import { env } from '../env';
import { AppError, notFound } from '../errors';
import { attachmentUrl } from '../chat/message-dto';
import type { AttachmentStorage } from './storage';

export const ALLOWED_MIME_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;

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

export async function uploadAttachment(
  db: Db,
  storage: AttachmentStorage,
  uploaderId: string,
  file: { name: string; bytes: Uint8Array },
): Promise<FileDto> {
  if (file.bytes.byteLength === 0) throw new AppError('VALIDATION', 'The file is empty');
  if (file.bytes.byteLength > env.UPLOAD_MAX_BYTES) throw tooLarge();
  // The declared Content-Type is the client's word; the bytes are the truth.
  const sniffed = await fileTypeFromBuffer(file.bytes);
  if (!sniffed || !(ALLOWED_MIME_TYPES as readonly string[]).includes(sniffed.mime)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Only images (JPEG, PNG, GIF, WebP) and PDF files can be attached`);
  }
  const key = await storage.put(file.bytes);
  try {
    const row = await db.file.create({
      data: {
        uploaderId,
        originalName: cleanName(file.name, sniffed.ext),
        mimeType: sniffed.mime,
        size: file.bytes.byteLength,
        storageKey: key,
      },
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

export async function readAttachment(db: Db, storage: AttachmentStorage, userId: string, fileId: string) {
  const member = { OR: [{ guestId: userId }, { ownerId: userId }] };
  const file = await db.file.findFirst({
    where: {
      id: fileId,
      OR: [{ uploaderId: userId }, { message: { chat: member } }, { archivedMessage: { chat: member } }],
    },
  });
  if (!file) throw notFound('File');
  return { file, bytes: await storage.get(file.storageKey) };
}

export function tooLarge(): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `Files may be at most ${Math.floor(env.UPLOAD_MAX_BYTES / (1024 * 1024))} MB`,
  );
}

// A display name only (never a path): no directories, no control characters, bounded length.
function cleanName(name: string, ext: string): string {
  const base = name
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200);
  return base || `attachment.${ext}`;
}
