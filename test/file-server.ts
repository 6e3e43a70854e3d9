// A local HTTP server standing in for the third-party hosts that attachments named by URL point
// at (not a test file itself): each path answers what the test set for it, every request is
// counted, and anything else is 404. It listens on 127.0.0.1, port 0: its `hostPort` is what the
// test lets through ATTACHMENT_FETCH_ALLOW. A test file starts it in `vi.hoisted`, so the variable
// is set before lib/env reads the environment (once, when first imported).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

export interface FileServer {
  /** `127.0.0.1:<port>`, for ATTACHMENT_FETCH_ALLOW. */
  hostPort: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Answers GET `path` with these bytes and this declared type (the bytes decide what is served). */
  file(path: string, body: Uint8Array | string, contentType?: string): void;
  /** Answers `path` with a handler of the test's own. */
  handle(path: string, handler: Handler): void;
  /** Requests for `path` so far. */
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startFileServer(): Promise<FileServer> {
  const handlers = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = handlers.get(path);
    if (handler) handler(request, response);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hostPort: `127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    file(path, body, contentType = 'application/octet-stream') {
      handlers.set(path, (_request, response) => response.writeHead(200, { 'content-type': contentType }).end(body));
    },
    handle: (path, handler) => void handlers.set(path, handler),
    hits: (path) => hits.get(path) ?? 0,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
