// Attachment upload with progress. fetch() cannot report upload progress, so this one call uses
// XMLHttpRequest; its answer is read by the same envelope parser as every other call.
import type { FileDto } from '../attachments/attachments';
import { ApiError, parseEnvelope } from './api';

export function uploadWithProgress(file: File, onProgress: (fraction: number) => void): Promise<FileDto> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/attachments');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      try {
        resolve(parseEnvelope<FileDto>(xhr.status, xhr.response, 'Upload'));
      } catch (error) {
        reject(error as Error);
      }
    };
    xhr.onerror = () => reject(new ApiError('NETWORK', 'Upload failed: you appear to be offline', 0));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}
