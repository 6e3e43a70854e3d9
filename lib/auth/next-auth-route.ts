// next-auth's routes (/api/auth/*) as a handler of a plain Request, like every other route of
// the app. next-auth v4's own App Router glue reads the request through next/headers, which
// works only inside Next.js's request scope; this goes through its documented Pages API entry
// point instead, so the very handler Next.js serves also runs over HTTP in tests
// (test/route-server.ts), and a failure inside next-auth answers INTERNAL like any other route
// instead of an unshaped 500. It also keeps callback URLs next-auth cannot parse away from it.
import type { NextApiRequest, NextApiResponse } from 'next';
import NextAuth, { type NextAuthOptions } from 'next-auth';
import { AppError } from '../errors';
import { MAX_JSON_BODY_BYTES, readBodyCapped, readJson, respond } from '../http/respond';
import { parseCookies } from './authenticate';
import { DEFAULT_AFTER_SIGN_IN } from './callback-url';

type Context = { params: Promise<{ nextauth: string[] }> };

export function nextAuthRoute(options: NextAuthOptions) {
  return (request: Request, context: Context) =>
    respond(async () => {
      const url = new URL(request.url);
      const { nextauth } = await context.params;
      const query: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), nextauth };
      const cookies = Object.fromEntries(parseCookies(request.headers.get('cookie')));
      replaceUnparsableCallbackUrls(query, cookies);
      const req = {
        method: request.method,
        query,
        headers: Object.fromEntries(request.headers),
        cookies,
        body: request.method === 'POST' ? await bodyOf(request) : undefined,
      };
      const res = new CollectedResponse();
      await NextAuth(req as unknown as NextApiRequest, res as unknown as NextApiResponse, options);
      return res.toResponse();
    });
}

// next-auth answers a callbackUrl (query or cookie) that it cannot parse as an http(s) URL or a
// path with 500 "server configuration" on every route; such a value is garbage or an attack
// ("http://localhost:3000.evil.example/" has an invalid port), so it is replaced by the default
// page. Parsable ones reach authOptions.callbacks.redirect, which keeps only this site's.
const CALLBACK_URL_COOKIES = ['next-auth.callback-url', '__Secure-next-auth.callback-url'];

function replaceUnparsableCallbackUrls(query: Record<string, unknown>, cookies: Record<string, string>): void {
  if (typeof query.callbackUrl === 'string' && !isHttpUrlOrPath(query.callbackUrl)) {
    query.callbackUrl = DEFAULT_AFTER_SIGN_IN;
  }
  for (const name of CALLBACK_URL_COOKIES) {
    if (name in cookies && !isHttpUrlOrPath(cookies[name]!)) cookies[name] = DEFAULT_AFTER_SIGN_IN;
  }
}

// The test next-auth applies (core/lib/assert.js).
function isHttpUrlOrPath(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith('/') ? 'http://localhost' : undefined).protocol);
  } catch {
    return false;
  }
}

// As Next.js's API routes parse them: JSON and form posts (next-auth/react sends the latter).
async function bodyOf(request: Request): Promise<Record<string, unknown> | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return (await readJson(request)) as Record<string, unknown>;
  if (type.includes('application/x-www-form-urlencoded')) {
    const bytes = await readBodyCapped(
      request,
      MAX_JSON_BODY_BYTES,
      () => new AppError('PAYLOAD_TOO_LARGE', 'Form too large'),
    );
    return Object.fromEntries(new URLSearchParams(new TextDecoder().decode(bytes)));
  }
  return undefined;
}

/** The part of NextApiResponse next-auth's handler uses, collected into a Response. */
class CollectedResponse {
  private statusCode = 200;
  private readonly headers = new Headers();
  private body: string | null = null;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers.delete(name);
    for (const one of Array.isArray(value) ? value : [value]) this.headers.append(name, String(one));
    return this;
  }

  getHeader(name: string): string | string[] | undefined {
    if (name.toLowerCase() === 'set-cookie') return this.headers.getSetCookie();
    return this.headers.get(name) ?? undefined;
  }

  json(value: unknown): void {
    this.headers.set('content-type', 'application/json');
    this.body = JSON.stringify(value);
  }

  send(value: unknown): void {
    if (value === undefined || value === null) return;
    if (typeof value === 'string') this.body = value;
    else this.json(value);
  }

  end(): void {}

  toResponse(): Response {
    return new Response(this.body, { status: this.statusCode, headers: this.headers });
  }
}
