// The REST API as the browser calls it (session cookie). Errors arrive as ApiError with the
// server's stable code, so the UI can tell "sign in again" from "try later".
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

export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError('NETWORK', 'You appear to be offline', 0);
  }
  const body = (await response.json().catch(() => null)) as { data?: T; error?: Partial<ErrorBody> } | null;
  if (!response.ok || !body || body.error) {
    const error = body?.error;
    throw new ApiError(
      error?.code ?? 'INTERNAL',
      error?.message ?? `Request failed (${response.status})`,
      response.status,
      error?.details,
    );
  }
  return body.data as T;
}

export function postJson<T>(path: string, json: unknown): Promise<T> {
  return apiFetch<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
}
