// The wire shape of every REST answer (DESIGN.md): `{ data }` on success, `{ error: { code,
// message } }` with the code's status on failure. Unexpected errors are logged and answered as
// INTERNAL without their details.
import { AppError } from '../errors';
import { logger } from '../logger';

export const MAX_JSON_BODY_BYTES = 64 * 1024;

export function ok(data: unknown, status = 200): Response {
  return Response.json({ data }, { status });
}

export async function respond(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    const appError = AppError.from(error);
    if (appError.code === 'INTERNAL') logger.error({ err: error }, 'request failed');
    return appError.toResponse();
  }
}

/**
 * The body's bytes, refusing more than `max` while reading: a declared Content-Length is checked
 * first, and a body sent without one (chunked) is cut off at the limit instead of being buffered
 * whole.
 */
export async function readBodyCapped(
  request: Request,
  max: number,
  tooLargeError: () => AppError,
): Promise<Buffer<ArrayBuffer>> {
  if (Number(request.headers.get('content-length') ?? 0) > max) throw tooLargeError();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLargeError();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The JSON body, bounded in size; malformed JSON is a VALIDATION error, not a crash. Only a body
 * declared as JSON is read: a cross-site page can send text/plain or a form without the browser
 * asking the app first (no CORS preflight), application/json it cannot.
 */
export async function readJson(request: Request): Promise<unknown> {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON, with Content-Type: application/json');
  }
  const text = new TextDecoder().decode(await readBodyCapped(request, MAX_JSON_BODY_BYTES, tooLarge));
  if (!text.trim()) throw new AppError('VALIDATION', 'The request body is empty; send JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('VALIDATION', 'The request body is not valid JSON');
  }
}

export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

function tooLarge(): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_JSON_BODY_BYTES / 1024} KB`);
}
