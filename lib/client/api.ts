// The REST API as the browser calls it (session cookie; scripts and tests may send a bearer token
// instead). Every answer is `{ data }` or `{ error: { code, message, details? } }`; parseEnvelope
// is the one place that reads it. Errors arrive as ApiError with the server's stable code, so the
// UI can tell "sign in again" from "try later".
import type { ErrorBody, ErrorCode } from '../errors';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly status: number,
    /** The server's `error.details` (field problems for VALIDATION). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * The `data` of a 2xx answer; otherwise throws ApiError with the server's error (or, when the
 * body is not the API's, `INTERNAL` and "<what> failed (<status>)").
 */
export function parseEnvelope<T>(status: number, body: unknown, what = 'Request'): T {
  const envelope = body as { data?: T; error?: Partial<ErrorBody> } | null | undefined;
  if (status < 200 || status > 299 || !envelope || envelope.error) {
    const error = envelope?.error;
    throw new ApiError(
      error?.code ?? 'INTERNAL',
      error?.message ?? `${what} failed (${status})`,
      status,
      error?.details,
    );
  }
  return envelope.data as T;
}

export interface ApiInit extends RequestInit {
  /** Sent as `Authorization: Bearer <token>` (scripts, tests; the page uses its session cookie). */
  token?: string;
}

export async function apiFetch<T>(path: string, { token, ...init }: ApiInit = {}): Promise<T> {
  if (token !== undefined) {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    init.headers = headers;
  }
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError('NETWORK', 'You appear to be offline', 0);
  }
  return parseEnvelope<T>(response.status, await response.json().catch(() => null));
}

/** A write with a JSON body (none when `json` is undefined), answered through apiFetch. */
export function sendJson<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, json?: unknown): Promise<T> {
  return apiFetch<T>(path, {
    method,
    ...(json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
}

export function postJson<T>(path: string, json: unknown): Promise<T> {
  return sendJson<T>('POST', path, json);
}
