// Where attachment bytes live. Callers see only this interface; the default keeps files on local
// disk under UPLOAD_DIR. An S3-compatible store can implement the same four methods later
// without touching the callers.
// put() takes the bytes as they arrive and writes them under a temporary name in UPLOAD_DIR/.incoming
// (the same file system, so the rename is atomic), renamed to their key only once complete and
// flushed: a failed or abandoned upload never leaves a file under a key, and put() removes its
// partial file before it rejects. Only a crash mid-upload can leave a .part file behind, and
// the retention job sweeps those (sweepIncoming).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { env } from '../env';

export interface AttachmentStorage {
  /** Stores the bytes and returns their key; stores nothing when `bytes` throws (its error is thrown). */
  put(bytes: Uint8Array | AsyncIterable<Uint8Array>): Promise<string>;
  /** The bytes as a stream (never whole in memory) and their size; rejects when there are none. */
  get(key: string): Promise<{ stream: ReadableStream<Uint8Array>; size: number }>;
  delete(key: string): Promise<void>;
  /**
   * Removes unfinished uploads older than `olderThan`, left by a process that died mid-upload
   * (the retention job calls it); returns how many went.
   */
  sweepIncoming(olderThan: Date): Promise<number>;
}

/** The folder of unfinished uploads, under the storage root (never a key: keys are hex). */
export const INCOMING_DIR = '.incoming';

const KEY = /^[a-f0-9]{2}\/[a-f0-9]{32}$/;

export function localDiskStorage(root = path.resolve(env.UPLOAD_DIR)): AttachmentStorage {
  // Keys are ours (random hex), never a user's file name, so no path can escape the root.
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`invalid storage key ${key}`);
    return path.join(root, key);
  };
  return {
    async put(bytes) {
      const id = randomBytes(16).toString('hex');
      const key = `${id.slice(0, 2)}/${id}`;
      const temp = path.join(root, INCOMING_DIR, `${id}.part`);
      await mkdir(path.dirname(temp), { recursive: true });
      try {
        await pipeline(
          bytes instanceof Uint8Array ? [bytes] : bytes,
          createWriteStream(temp, { flags: 'wx', flush: true }),
        );
        await mkdir(path.dirname(pathOf(key)), { recursive: true });
        await rename(temp, pathOf(key));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return key;
    },
    async get(key) {
      const file = await open(pathOf(key), 'r');
      const { size } = await file.stat().catch(async (error: unknown) => {
        await file.close();
        throw error;
      });
      // The stream owns the handle from here and closes it when done or cancelled.
      return { stream: Readable.toWeb(file.createReadStream()) as ReadableStream<Uint8Array>, size };
    },
    // Not forced: bytes that are not there (a wrong UPLOAD_DIR, a missing volume) are an error
    // the retention job reports, not a silent success.
    delete: async (key) => rm(pathOf(key)),
    async sweepIncoming(olderThan) {
      const incoming = path.join(root, INCOMING_DIR);
      const names = await readdir(incoming).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      let removed = 0;
      for (const name of names) {
        const file = path.join(incoming, name);
        const { mtime } = await stat(file).catch(() => ({ mtime: new Date() }));
        if (mtime < olderThan) {
          await rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

export const storage: AttachmentStorage = localDiskStorage();
