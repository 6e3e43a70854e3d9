// One file from a multipart/form-data request body, parsed with busboy as the bytes arrive: the
// consumer reads the file as a stream, with backpressure down to the socket, so an upload is never
// held in memory whole. The body as a whole is bounded too (preamble, other fields, a second file
// all count): refused at the first byte over the bound, or before reading when its declared
// length is over.
//
// Refusals made before a byte is read (declared length, content type, boundary) leave the body to
// Node.js, which drains an unread body itself. After a refusal once reading has begun, the rest
// of the body is read and dropped, never cancelled: a body left half-read wedges its keep-alive connection (the client sends its next request into it);
// closing the connection instead may reset it before the client has read the answer; and on Node
// 20, cancelling a request body while a read is in flight throws inside undici, outside any caller
// (an uncaught exception). Dropping costs no memory, and the server's requestTimeout (5 minutes by
// default) bounds how long a client can keep sending, as for any body Node.js drains itself.
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { AppError } from '../errors';

export interface MultipartFile {
  /** The file name the client sent: untrusted, for display only. */
  filename: string;
  bytes: AsyncIterable<Uint8Array>;
}

export interface MultipartOptions {
  /** The form field that holds the file; other fields and files are skipped. */
  field: string;
  /** Bound of the whole body, multipart framing included. */
  maxBodyBytes: number;
  tooLarge: () => AppError;
}

// Room for a form's few small fields, never for a second file or a flood of parts.
const LIMITS = { files: 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 20 };

/**
 * Streams the file of `options.field` into `consume` and answers what it returns. Any failure
 * (body over the bound, malformed multipart, the client gone, `consume` refusing) ends both sides:
 * the file's stream errors, so `consume` cleans up what it began, and the first error is thrown.
 */
export async function receiveMultipartFile<T>(
  request: Request,
  options: MultipartOptions,
  consume: (file: MultipartFile) => Promise<T>,
): Promise<T> {
  const wrongShape = (cause?: unknown) =>
    new AppError('VALIDATION', `Send the file as multipart/form-data in the field "${options.field}"`, { cause });
  if (Number(request.headers.get('content-length') ?? 0) > options.maxBodyBytes) throw options.tooLarge();
  const contentType = request.headers.get('content-type') ?? '';
  if (!request.body || !/^multipart\/form-data\s*;/i.test(contentType)) throw wrongShape();
  let parser: busboy.Busboy;
  try {
    // Browsers send a file name's UTF-8 bytes as they are (busboy would read them as Latin-1).
    parser = busboy({ headers: { 'content-type': contentType }, limits: LIMITS, defParamCharset: 'utf8' });
  } catch (error) {
    throw wrongShape(error); // no boundary
  }

  let failure: unknown;
  let fileStream: Readable | undefined;
  const stopped = new AbortController();
  const fail = (error: unknown) => {
    if (stopped.signal.aborted) return;
    failure = error;
    stopped.abort();
    fileStream?.destroy(error instanceof Error ? error : new Error(String(error)));
    parser.destroy();
  };

  const started = new Promise<MultipartFile | undefined>((resolve) => {
    parser.on('file', (name, stream, info) => {
      if (name !== options.field || fileStream) {
        stream.resume();
        return;
      }
      fileStream = stream;
      // Its errors reach `consume` through its reads; this keeps one that comes after `consume`
      // stopped reading (or before it started) from being an unhandled 'error' event.
      stream.on('error', () => {});
      resolve({ filename: info.filename ?? '', bytes: stream });
    });
    // Parsed (or stopped) to the end without the file.
    parser.on('close', () => resolve(undefined));
  });
  parser.on('error', (error) => fail(wrongShape(error)));

  const reader = request.body.getReader();
  void (async () => {
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (stopped.signal.aborted) continue;
      received += value.byteLength;
      if (received > options.maxBodyBytes) {
        fail(options.tooLarge());
        continue;
      }
      if (!parser.write(value)) await once(parser, 'drain', { signal: stopped.signal }).catch(() => {});
    }
    if (!stopped.signal.aborted) parser.end();
  })().catch((error: unknown) =>
    fail(new AppError('VALIDATION', 'The upload ended before the file was complete', { cause: error })),
  );

  const file = await started;
  if (!file) throw failure ?? wrongShape();
  try {
    // Once the file has ended at its boundary it is whole: what follows it in the body (the
    // closing boundary, skipped fields) no longer changes the answer.
    return await consume(file);
  } catch (error) {
    fail(error);
    throw failure;
  }
}
