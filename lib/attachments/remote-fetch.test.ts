// The guarded fetcher against real local servers: what it refuses (and that it refuses before
// connecting), redirects, the byte cap, the deadline, and what a good download gives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { checkRemoteUrl, fetchRemoteFile, isPublicAddress } from './remote-fetch';

type Server = { port: number; origin: string; hits: string[] };

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (request: http.IncomingMessage, response: http.ServerResponse) => void): Promise<Server> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? '');
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, origin: `http://127.0.0.1:${port}`, hits };
}

const allowing = (...servers: Server[]) => ({ hostPorts: servers.map(({ port }) => `127.0.0.1:${port}`) });

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('REMOTE_FETCH_REFUSED');
  expect(appError.status).toBe(502);
  return appError;
}

const reasonOf = (error: AppError) => (error.extra.details as { reason: string }).reason;

describe('isPublicAddress', () => {
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:93.184.216.34'])(
    '%s is public',
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['192.0.2.1', 'documentation'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'scoped link-local'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'mapped loopback'],
    ['::ffff:7f00:1', 'mapped loopback, hex'],
    ['::ffff:10.0.0.1', 'mapped private'],
    ['::ffff:169.254.169.254', 'mapped metadata'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::8.8.8.8', 'IPv4-compatible (not mapped)'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['2002:7f00:1::1', '6to4'],
    ['2001:0:4136:e378::1', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['[::1]', 'bracketed loopback'],
    ['localhost', 'not an address'],
    ['127.1', 'not a dotted quad'],
    ['', 'empty'],
  ])('%s is not (%s)', (address) => expect(isPublicAddress(address)).toBe(false));
});

describe('checkRemoteUrl', () => {
  it('takes http and https on ports 80 and 443', () => {
    expect(checkRemoteUrl('https://example.com/a.png').href).toBe('https://example.com/a.png');
    expect(checkRemoteUrl('http://example.com:80/a.png').href).toBe('http://example.com/a.png');
    expect(checkRemoteUrl('https://example.com:443/a.png').href).toBe('https://example.com/a.png');
    expect(checkRemoteUrl('http://93.184.216.34/a.png').hostname).toBe('93.184.216.34');
    expect(checkRemoteUrl('http://[2606:4700::1111]/').hostname).toBe('[2606:4700::1111]');
  });

  it.each([
    ['file:///etc/passwd', 'scheme', 'scheme file: is not allowed'],
    ['javascript:alert(1)', 'scheme', 'scheme javascript: is not allowed'],
    ['ftp://example.com/a.png', 'scheme', 'scheme ftp: is not allowed'],
    ['data:image/png;base64,AAAA', 'scheme', 'scheme data: is not allowed'],
    ['https://example.com:8443/x', 'port', 'port 8443 is not allowed'],
    ['http://example.com:8080/x', 'port', 'port 8080 is not allowed'],
    ['http://user:secret@example.com/x', 'credentials', 'URLs with credentials are not allowed'],
    ['http://user@example.com/x', 'credentials', 'URLs with credentials are not allowed'],
    ['not a url', 'invalid-url', 'the URL is not valid'],
    ['http://127.0.0.1/', 'address', 'address 127.0.0.1 is not public'],
    ['http://2130706433/', 'address', 'address 127.0.0.1 is not public'],
    ['http://0x7f.1/', 'address', 'address 127.0.0.1 is not public'],
    ['http://[::1]/', 'address', 'address ::1 is not public'],
    ['http://[::ffff:127.0.0.1]/', 'address', 'address ::ffff:7f00:1 is not public'],
    ['http://169.254.169.254/latest/meta-data/', 'address', 'address 169.254.169.254 is not public'],
    ['http://10.0.0.1/', 'address', 'address 10.0.0.1 is not public'],
  ])('refuses %s (%s)', async (url, reason, why) => {
    const error = await refusal(Promise.resolve().then(() => checkRemoteUrl(url)));
    expect(reasonOf(error)).toBe(reason);
    expect(error.message).toBe(`The file could not be fetched: ${why}`);
  });

  it('lets exactly the allowed host:port pairs past the port and address rules', () => {
    const allow = { hostPorts: ['127.0.0.1:54321', '[::1]:8080'] };
    expect(checkRemoteUrl('http://127.0.0.1:54321/x', allow).port).toBe('54321');
    expect(checkRemoteUrl('http://[::1]:8080/x', allow).port).toBe('8080');
    expect(() => checkRemoteUrl('http://127.0.0.1:54322/x', allow)).toThrow('port 54322 is not allowed');
    expect(() => checkRemoteUrl('http://127.0.0.1/x', allow)).toThrow('address 127.0.0.1 is not public');
    expect(() => checkRemoteUrl('ftp://127.0.0.1:54321/x', allow)).toThrow('scheme ftp: is not allowed');
  });
});

describe('fetchRemoteFile', () => {
  it('returns the exact bytes, the content type and the final URL', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
      response.end(bytes);
    });
    const file = await fetchRemoteFile(`${server.origin}/a.png`, { maxBytes: bytes.length, allow: allowing(server) });
    expect(file.finalUrl).toBe(`${server.origin}/a.png`);
    expect(file.contentType).toBe('image/png');
    expect((await collect(file.body)).equals(bytes)).toBe(true);
  });

  it('sends the host name while connecting to the address it resolved to', async () => {
    const server = await serve((request, response) => response.end(request.headers.host));
    const file = await fetchRemoteFile(`http://localhost:${server.port}/`, {
      maxBytes: 1000,
      allow: { hostPorts: [`localhost:${server.port}`] },
    });
    expect((await collect(file.body)).toString()).toBe(`localhost:${server.port}`);
  });

  it('refuses a name that resolves to loopback (localhost)', async () => {
    const error = await refusal(fetchRemoteFile('http://localhost/a.png', { maxBytes: 1000 }));
    expect(reasonOf(error)).toBe('address');
    expect(error.message).toBe('The file could not be fetched: host localhost has no public address');
  });

  it('refuses a literal non-public address without connecting to it', async () => {
    // A server on the very address and port asked for, not allowed: it must see no request.
    const server = await serve((_request, response) => response.end('secret'));
    for (const url of [`${server.origin}/`, 'http://127.0.0.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/']) {
      await refusal(fetchRemoteFile(url, { maxBytes: 1000 }));
    }
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/']) {
      const started = Date.now();
      expect(reasonOf(await refusal(fetchRemoteFile(url, { maxBytes: 1000 })))).toBe('address');
      expect(Date.now() - started).toBeLessThan(100);
    }
    expect(server.hits).toEqual([]);
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'https://example.com:8443/x'])('refuses %s', async (url) => {
    await refusal(fetchRemoteFile(url, { maxBytes: 1000 }));
  });

  it('refuses a redirect to an address that is not allowed, without following it', async () => {
    const inner = await serve((_request, response) => response.end('secret'));
    const outer = await serve((_request, response) => {
      response.writeHead(302, { location: `${inner.origin}/secret` });
      response.end();
    });
    const error = await refusal(fetchRemoteFile(`${outer.origin}/a.png`, { maxBytes: 1000, allow: allowing(outer) }));
    expect(reasonOf(error)).toBe('port');
    expect(error.message).toBe(
      `The file could not be fetched: a redirect led to a refused URL: port ${inner.port} is not allowed`,
    );
    expect(inner.hits).toEqual([]);
  });

  it('refuses a redirect to a loopback address on an allowed port', async () => {
    const outer = await serve((_request, response) => {
      response.writeHead(301, { location: 'http://127.0.0.1/' });
      response.end();
    });
    const error = await refusal(fetchRemoteFile(`${outer.origin}/`, { maxBytes: 1000, allow: allowing(outer) }));
    expect(error.message).toBe(
      'The file could not be fetched: a redirect led to a refused URL: address 127.0.0.1 is not public',
    );
  });

  describe('redirects', () => {
    // /hop/N answers with a redirect to /hop/N-1 (each status in turn), /hop/0 with the file.
    const statuses = [301, 302, 303, 307, 308];
    const hopServer = () =>
      serve((request, response) => {
        const left = Number(request.url?.split('/').pop());
        if (left === 0) return response.end('the file');
        response.writeHead(statuses[left % statuses.length]!, { location: `/hop/${left - 1}` });
        response.end();
      });

    it('follows 3', async () => {
      const server = await hopServer();
      const file = await fetchRemoteFile(`${server.origin}/hop/3`, { maxBytes: 1000, allow: allowing(server) });
      expect(file.finalUrl).toBe(`${server.origin}/hop/0`);
      expect((await collect(file.body)).toString()).toBe('the file');
      expect(server.hits).toEqual(['/hop/3', '/hop/2', '/hop/1', '/hop/0']);
    });

    it('refuses the 4th', async () => {
      const server = await hopServer();
      const error = await refusal(
        fetchRemoteFile(`${server.origin}/hop/4`, { maxBytes: 1000, allow: allowing(server) }),
      );
      expect(reasonOf(error)).toBe('too-many-redirects');
      expect(error.message).toBe('The file could not be fetched: too many redirects (more than 3)');
      expect(server.hits).toEqual(['/hop/4', '/hop/3', '/hop/2', '/hop/1']);
    });
  });

  it('refuses a Content-Length over the cap before reading the body', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': 11 });
      response.end('01234567890');
    });
    const error = await refusal(fetchRemoteFile(`${server.origin}/`, { maxBytes: 10, allow: allowing(server) }));
    expect(reasonOf(error)).toBe('too-large');
    expect(error.message).toBe('The file could not be fetched: the file is larger than 10 bytes');
  });

  it('takes a body of exactly the cap', async () => {
    const server = await serve((_request, response) => response.end('0123456789'));
    const file = await fetchRemoteFile(`${server.origin}/`, { maxBytes: 10, allow: allowing(server) });
    expect((await collect(file.body)).toString()).toBe('0123456789');
  });

  it('cuts off a chunked body at the first byte over the cap, without waiting for its end', async () => {
    const server = await serve((_request, response) => {
      // No Content-Length: chunked. Never ended: only the cap can end this download.
      response.writeHead(200, { 'content-type': 'image/gif' });
      response.write('01234567');
      setTimeout(() => response.write('89abcdef'), 20);
    });
    const file = await fetchRemoteFile(`${server.origin}/`, { maxBytes: 10, allow: allowing(server) });
    const received: string[] = [];
    const error = await refusal(
      (async () => {
        for await (const chunk of file.body) received.push(Buffer.from(chunk).toString());
      })(),
    );
    expect(reasonOf(error)).toBe('too-large');
    expect(received).toEqual(['01234567']);
  });

  it('times out a server that does not answer', async () => {
    const server = await serve(() => {});
    const started = Date.now();
    const error = await refusal(
      fetchRemoteFile(`${server.origin}/`, { maxBytes: 1000, timeoutMs: 300, allow: allowing(server) }),
    );
    expect(reasonOf(error)).toBe('timeout');
    expect(error.message).toBe('The file could not be fetched: timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a body that trickles past the deadline', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      const timer = setInterval(() => response.write('x'), 50);
      response.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const file = await fetchRemoteFile(`${server.origin}/`, {
      maxBytes: 1000,
      timeoutMs: 300,
      allow: allowing(server),
    });
    const error = await refusal(collect(file.body));
    expect(reasonOf(error)).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a status other than 2xx', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(404);
      response.end('not here');
    });
    const error = await refusal(fetchRemoteFile(`${server.origin}/`, { maxBytes: 1000, allow: allowing(server) }));
    expect(reasonOf(error)).toBe('status');
    expect(error.message).toBe('The file could not be fetched: the server answered 404');
  });

  it('names a failed connection by its code only', async () => {
    const server = await serve(() => {});
    const allow = allowing(server);
    servers.splice(0).forEach((closing) => closing.close());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = await refusal(fetchRemoteFile(`${server.origin}/`, { maxBytes: 1000, allow }));
    expect(reasonOf(error)).toBe('network');
    expect(error.message).toBe('The file could not be fetched: the connection failed (ECONNREFUSED)');
  });
});
