// Attachment upload with progress. fetch() cannot report upload progress, so this one call uses
// XMLHttpRequest; the answer has the API's usual { data } / { error } shape.
import type { FileDto } from '../attachments/attachments';

export function uploadWithProgress(file: File, onProgress: (fraction: number) => void): Promise<FileDto> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/attachments');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = xhr.response as { data?: FileDto; error?: { message: string } } | null;
      if (xhr.status === 201 && body?.data) resolve(body.data);
      else reject(new Error(body?.error?.message ?? `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new Error('Upload failed: you appear to be offline'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}
