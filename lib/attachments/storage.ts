// Where attachment bytes live. Callers see only this interface; the default keeps files on local
// disk under UPLOAD_DIR. An S3-compatible store can implement the same three methods later
// without touching the callers.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { env } from '../env';

export interface AttachmentStorage {
  put(bytes: Uint8Array): Promise<string>;
  get(key: string): Promise<Uint8Array>;
  delete(key: string): Promise<void>;
}

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
      await mkdir(path.dirname(pathOf(key)), { recursive: true });
      await writeFile(pathOf(key), bytes, { flag: 'wx' });
      return key;
    },
    get: async (key) => new Uint8Array(await readFile(pathOf(key))),
    // Not forced: bytes that are not there (a wrong UPLOAD_DIR, a missing volume) are an error
    // the retention job reports, not a silent success.
    delete: async (key) => rm(pathOf(key)),
  };
}

export const storage: AttachmentStorage = localDiskStorage();
