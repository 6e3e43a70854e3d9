// The one error type of the domain. Every failure a caller may see has a stable `code`; the
// route handlers and socket handlers turn it into the wire shape (DESIGN.md) with
// `toResponse()` / `toAck()`. Anything that is not an AppError becomes INTERNAL, and its
// message (which may name tables or SQL) never leaves the server.
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION',
  'RATE_LIMITED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  // A standing allowance is used up (unsent uploads). 429 as quota answers usually are, but with no
  // Retry-After: waiting does not help, sending or removing some does.
  'QUOTA_EXCEEDED',
  // Too late to edit or unsend this message (its window, counted from the server's time of sending).
  'WINDOW_CLOSED',
  // The message was moved to the archive: history keeps it, nobody changes it any more.
  'ARCHIVED',
  // GET of an attachment named by URL whose upstream failed: the fetch was refused (a name that
  // resolves to a non-public address, a redirect to one, too many redirects) or the server there
  // failed (status, size, time, bytes of a type attachments may not be). 502: the client asked
  // nothing wrong, the app could not get the file from the server it names. A URL that breaks the
  // rules already at send is VALIDATION. `details.reason` tells which
  // (lib/attachments/remote-fetch.ts, lib/attachments/attachments.ts).
  'REMOTE_FETCH_REFUSED',
  // The other member of the chat blocked this user: their sends, reactions and typing there are
  // refused (lib/chat/blocks.ts). 403 like FORBIDDEN, with its own code so the UI can say why.
  'BLOCKED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  QUOTA_EXCEEDED: 429,
  WINDOW_CLOSED: 403,
  ARCHIVED: 409,
  REMOTE_FETCH_REFUSED: 502,
  BLOCKED: 403,
  INTERNAL: 500,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Field problems for VALIDATION, seconds to wait for RATE_LIMITED. */
  details?: unknown;
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: unknown; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
  }

  get status(): number {
    return STATUS[this.code];
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.extra.details === undefined ? {} : { details: this.extra.details }),
      ...(this.extra.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.extra.retryAfterSeconds }),
    };
  }

  toResponse(): Response {
    const headers: Record<string, string> = {};
    if (this.extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(this.extra.retryAfterSeconds);
    return Response.json({ error: this.toBody() }, { status: this.status, headers });
  }

  static from(error: unknown): AppError {
    if (error instanceof AppError) return error;
    return new AppError('INTERNAL', 'Something went wrong on our side; please try again', { cause: error });
  }
}

export const notFound = (what = 'Chat') => new AppError('NOT_FOUND', `${what} not found`);
