// The REST API as the browser calls it (session cookie). Errors arrive as ApiError with the
// server's stable code, so the UI can tell "sign in again" from "try later".
import type { ErrorCode } from '../errors';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly status: number,
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
  const body = (await response.json().catch(() => null)) as { data?: T; error?: { code: ErrorCode; message: string } } | null;
  if (!response.ok || !body || body.error) {
    throw new ApiError(body?.error?.code ?? 'INTERNAL', body?.error?.message ?? `Request failed (${response.status})`, response.status);
  }
  return body.data as T;
}

export function postJson<T>(path: string, json: unknown): Promise<T> {
  return apiFetch<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
}
