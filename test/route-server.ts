// Serves the app's route handlers over real HTTP on a free port, without Next.js's dev server:
// each request becomes a standard Request passed to the handler module exactly as Next.js
// would call it (params as a promise). Lets integration tests exercise the handlers, auth and
// database end to end in milliseconds.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler types its own params
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response> | Response;
type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

// Every route handler under app/api, found on disk as Next.js finds them (so a new route needs
// no entry here): `[name]` becomes `:name`, `[...name]` becomes `*name`.
const API_DIR = fileURLToPath(new URL('../app/api/', import.meta.url));
const ROUTES: Array<[pattern: string, load: () => Promise<RouteModule>]> = readdirSync(API_DIR, { recursive: true })
  .map(String)
  .filter((file) => path.basename(file) === 'route.ts')
  .map((file) => {
    const segments = path
      .dirname(file)
      .split(path.sep)
      .filter((s) => s !== '.');
    const pattern = segments.map((s) => s.replace(/^\[\.\.\.(\w+)\]$/, '*$1').replace(/^\[(\w+)\]$/, ':$1'));
    const load = () => import(pathToFileURL(path.join(API_DIR, file)).href) as Promise<RouteModule>;
    return [`/api/${pattern.join('/')}`, load] as [string, () => Promise<RouteModule>];
  })
  // As Next.js matches: a static segment before a dynamic one, a catch-all last.
  .sort(([a], [b]) => specificity(a) - specificity(b));

function specificity(pattern: string): number {
  return (pattern.includes('*') ? 100 : 0) + (pattern.match(/:/g)?.length ?? 0);
}

// `:name` takes one segment, `*name` (last) the rest, one or more, as an array like Next.js's
// catch-all `[...name]`.
function match(pattern: string, pathname: string): Record<string, string | string[]> | null {
  const p = pattern.split('/');
  const s = pathname.split('/');
  const rest = p.at(-1)!.startsWith('*');
  if (rest ? s.length < p.length : p.length !== s.length) return null;
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < p.length; i++) {
    if (rest && i === p.length - 1) params[p[i]!.slice(1)] = s.slice(i).map(decodeURIComponent);
    else if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

// The body streams as it arrives, as Next.js passes it (the IncomingMessage itself as the body of
// a half-duplex Request): a handler sees a slow upload slowly, and one that stops reading leaves
// the rest unread, exactly as in production.
function toRequest(req: IncomingMessage, base: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  // Streamed, not buffered, as Next.js passes it: upload limits act while the body arrives.
  const body = req.method !== 'GET' && req.method !== 'HEAD' ? (Readable.toWeb(req) as ReadableStream) : undefined;
  return new Request(new URL(req.url ?? '/', base), {
    method: req.method,
    headers,
    body,
    duplex: 'half',
  } as RequestInit);
}

export async function startRouteServer(port = 0): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer(async (req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pathname = new URL(req.url ?? '/', base).pathname;
    for (const [pattern, load] of ROUTES) {
      const params = match(pattern, pathname);
      if (!params) continue;
      const handler = (await load())[req.method as keyof RouteModule];
      if (!handler) break;
      const response = await handler(toRequest(req, base), { params: Promise.resolve(params) });
      // Several Set-Cookie headers (next-auth sends some) must stay separate.
      const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
      if (response.headers.has('set-cookie')) headers['set-cookie'] = response.headers.getSetCookie();
      res.writeHead(response.status, headers);
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route' } }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise((r) => server.close(() => r())) };
}

// A JSON answer (or the bytes of a file), inspected field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = any;

/** `call(method, path, { headers, json | body })` against the server at `base()`: status, body, headers. */
export function routeCaller(base: () => string) {
  return async (
    method: string,
    path: string,
    options: { headers?: Record<string, string>; json?: unknown; body?: BodyInit } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof options.json === 'string' ? options.json : JSON.stringify(options.json);
    }
    const response = await fetch(`${base()}${path}`, { method, headers, body });
    const type = response.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await response.json() : await response.arrayBuffer();
    return { status: response.status, body: payload as Answer, headers: response.headers };
  };
}
