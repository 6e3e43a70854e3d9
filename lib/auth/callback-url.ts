// Where to go after signing in: the `callbackUrl` of the query string when it stays on this
// site, else the inbox. Used by the sign-in forms and by next-auth's redirect callback
// (lib/auth/options.ts). Accepts paths starting with a single '/' (not '//host' or '/\host',
// which browsers treat as other origins) and, because next-auth itself writes absolute
// callback URLs, absolute URLs of this very origin (reduced to their path). Anything else
// (other hosts, javascript:, garbage) falls back to the default: no open redirect.
export const DEFAULT_AFTER_SIGN_IN = '/inbox';

export function safeCallbackUrl(raw: string | null | undefined, origin?: string): string {
  if (!raw) return DEFAULT_AFTER_SIGN_IN;
  if (isLocalPath(raw)) return raw;
  if (origin) {
    try {
      const url = new URL(raw);
      if (url.origin === origin) {
        const path = `${url.pathname}${url.search}${url.hash}`;
        if (isLocalPath(path)) return path;
      }
    } catch {
      // not a URL: fall through
    }
  }
  return DEFAULT_AFTER_SIGN_IN;
}

function isLocalPath(value: string): boolean {
  // Control characters and backslashes are rejected outright: browsers strip tabs/newlines
  // and read '\' as '/', which would turn "/\tevil.com" or "/\\evil.com" into another host.
  return value.startsWith('/') && !value.startsWith('//') && !/[\\\u0000-\u001f\u007f]/.test(value);
}
