// Remote attachments: downloads a third-party file named by URL so the app can serve it from its
// own origin, without letting that URL reach anything but the public internet (SSRF). Owns the URL
// rule (http/https, ports 80/443, no credentials), the address rule (every address a name resolves
// to is public unicast), pinning the connection to the address that was checked, redirects (each
// target checked again), one deadline over the whole download, and the byte cap. What the bytes
// are (sniffed from them) and where they go are the caller's.
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';

export const DEFAULT_REMOTE_FETCH_TIMEOUT_MS = 5_000;
export const MAX_REMOTE_FETCH_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ALLOWED_PORTS = new Set([80, 443]);

/** Why a fetch was refused: `details.reason` of the REMOTE_FETCH_REFUSED error. */
export type RemoteFetchRefusal =
  | 'invalid-url'
  | 'scheme'
  | 'credentials'
  | 'port'
  | 'address'
  | 'redirect'
  | 'too-many-redirects'
  | 'status'
  | 'too-large'
  | 'timeout'
  | 'network';

/**
 * `host:port` pairs (`127.0.0.1:54321`, `[::1]:8080`, as in a URL) let past the port and address
 * rules: the tests' local servers. Fed from a setting that production refuses.
 */
export interface RemoteFetchAllowance {
  hostPorts: readonly string[];
}

export interface RemoteFetchOptions {
  /** The cap on the body (UPLOAD_MAX_BYTES): refused by Content-Length, or at the first byte over. */
  maxBytes: number;
  /** One deadline for everything: lookups, connections, redirects, headers and the whole body. */
  timeoutMs?: number;
  allow?: RemoteFetchAllowance;
}

export interface RemoteFile {
  /** The URL the body came from, after redirects. */
  finalUrl: string;
  /** As the server declared it: a claim only, the bytes are the truth. */
  contentType: string | null;
  /**
   * The response as it arrives; the byte cap and the deadline hold while it is read, and reading
   * it throws the refusal. Read it to the end or stop iterating: until then the connection (and
   * the deadline's timer) stay open.
   */
  body: AsyncIterable<Uint8Array>;
}

/**
 * The rule a URL must meet before anything is looked up or connected to: http or https, port 80
 * or 443, no credentials, and a host that, when it is an IP address, is a public one. Returns the
 * parsed URL; throws REMOTE_FETCH_REFUSED.
 */
export function checkRemoteUrl(url: string, allow?: RemoteFetchAllowance): URL {
  const checked = urlRule(url, allow);
  if (checked instanceof URL) return checked;
  throw refused(checked.reason, checked.why);
}

type Refusal = { reason: RemoteFetchRefusal; why: string };

function urlRule(url: string, allow: RemoteFetchAllowance | undefined): URL | Refusal {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { reason: 'invalid-url', why: 'the URL is not valid' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { reason: 'scheme', why: `scheme ${parsed.protocol} is not allowed` };
  }
  // Credentials would be sent on (and kept in finalUrl); a public file needs none.
  if (parsed.username || parsed.password)
    return { reason: 'credentials', why: 'URLs with credentials are not allowed' };
  if (isAllowedHostPort(parsed, allow)) return parsed;
  const port = portOf(parsed);
  if (!ALLOWED_PORTS.has(port)) return { reason: 'port', why: `port ${port} is not allowed` };
  const literal = bare(parsed.hostname);
  if (isIP(literal) && !isPublicAddress(literal)) return { reason: 'address', why: `address ${literal} is not public` };
  return parsed;
}

/**
 * Whether an IP address is public unicast, the only kind fetched from. False for anything that is
 * not an address, and for loopback, private, link-local (cloud metadata at 169.254.169.254),
 * unspecified, broadcast, multicast, carrier-grade NAT, reserved and documentation ranges, unique
 * local IPv6, and the IPv6 forms that embed or reach IPv4 (NAT64, 6to4, Teredo, IPv4-compatible);
 * an IPv4-mapped IPv6 address is judged by the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  const text = bare(address);
  const family = isIP(text);
  if (family === 4) return ipaddr.IPv4.parse(text).range() === 'unicast';
  if (family !== 6) return false;
  // Through the WHATWG serializer first: ipaddr.js reads "::8.8.8.8" as the mapped ::ffff:8.8.8.8,
  // while the network stack means ::808:808. The serializer writes plain hex that both read alike
  // (and refuses zone ids: a scoped address is link-local anyway).
  let canonical: string;
  try {
    canonical = bare(new URL(`http://[${text}]/`).hostname);
  } catch {
    return false;
  }
  const ip = ipaddr.IPv6.parse(canonical);
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address().range() === 'unicast';
  // ::/96 (IPv4-compatible, deprecated) is "unicast" to ipaddr.js but some stacks still route it
  // as the IPv4 address in its last 32 bits.
  if (ip.parts.slice(0, 6).every((part) => part === 0)) return false;
  return ip.range() === 'unicast';
}

/**
 * Downloads the file at `url`: checks the URL and every address its host resolves to, connects to
 * a checked address only, follows at most MAX_REMOTE_FETCH_REDIRECTS redirects (each checked the
 * same way), and refuses a status other than 2xx and a body over `maxBytes`, all within
 * `timeoutMs`. Every refusal is REMOTE_FETCH_REFUSED, thrown here or while the body is read.
 */
export async function fetchRemoteFile(url: string, options: RemoteFetchOptions): Promise<RemoteFile> {
  const { maxBytes, timeoutMs = DEFAULT_REMOTE_FETCH_TIMEOUT_MS, allow } = options;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    let current = checkRemoteUrl(url, allow);
    for (let redirects = 0; ; redirects++) {
      const response = await get(current, allow, deadline.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        response.destroy();
        if (redirects === MAX_REMOTE_FETCH_REDIRECTS) {
          throw refused('too-many-redirects', `too many redirects (more than ${MAX_REMOTE_FETCH_REDIRECTS})`);
        }
        current = redirectTarget(current, location, allow);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw refused('status', `the server answered ${status}`);
      }
      // A missing or unreadable Content-Length is NaN here: the cap while streaming decides.
      if (Number(response.headers['content-length']) > maxBytes) {
        response.destroy();
        throw tooLarge(maxBytes);
      }
      return {
        finalUrl: current.href,
        contentType: response.headers['content-type'] ?? null,
        body: capped(response, maxBytes, deadline.signal, timeoutMs, () => clearTimeout(timer)),
      };
    }
  } catch (error) {
    clearTimeout(timer);
    const refusal = refusalFor(error, deadline.signal, timeoutMs);
    // Whatever is still in flight (a lookup, a connection) goes with it.
    deadline.abort();
    throw refusal;
  }
}

async function get(url: URL, allow: RemoteFetchAllowance | undefined, signal: AbortSignal) {
  const targets = await resolve(url, allow, signal);
  // The host name stays in the request (Host header, SNI, and the name the certificate is checked
  // against); only the lookup is replaced, by the addresses that passed the check: no second lookup
  // that could answer differently (DNS rebinding). All of them, so that node can still fall back
  // from one family to the other.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, targets);
    else callback(null, targets[0].address, targets[0].family);
  };
  const request = (url.protocol === 'https:' ? https : http).request(url, {
    method: 'GET',
    // A connection of its own, closed after: a pooled one may have been opened by another lookup.
    agent: false,
    lookup: pinned,
    signal,
    headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'stayeasy-messaging attachment fetcher' },
  });
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    // Kept on for the request's life: an error after the response (the deadline) must not go unheard.
    request.on('error', reject);
    request.on('response', resolve);
    request.end();
  });
}

type Addresses = [LookupAddress, ...LookupAddress[]];

/** The addresses to connect to, once every address the host resolves to passed the rule. */
async function resolve(url: URL, allow: RemoteFetchAllowance | undefined, signal: AbortSignal): Promise<Addresses> {
  const host = bare(url.hostname);
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  let addresses: LookupAddress[];
  try {
    addresses = await untilAborted(lookup(host, { all: true }), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw notPublic(host, error);
  }
  if (!isNonEmpty(addresses)) throw notPublic(host);
  // The addresses stay out of the message: it goes to the client, and an internal resolver's
  // answers for internal names are not theirs to learn.
  if (!isAllowedHostPort(url, allow) && !addresses.every(({ address }) => isPublicAddress(address))) {
    throw notPublic(host, addresses);
  }
  return addresses;
}

const isNonEmpty = (addresses: LookupAddress[]): addresses is Addresses => addresses.length > 0;

function redirectTarget(from: URL, location: string, allow: RemoteFetchAllowance | undefined): URL {
  let next: string;
  try {
    next = new URL(location, from).href;
  } catch {
    throw refused('redirect', 'a redirect led to an invalid URL');
  }
  const checked = urlRule(next, allow);
  if (checked instanceof URL) return checked;
  throw refused(checked.reason, `a redirect led to a refused URL: ${checked.why}`);
}

/** The response's bytes, cut off at the first byte over `maxBytes`, still under the deadline. */
async function* capped(
  response: http.IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
  done: () => void,
): AsyncGenerator<Uint8Array> {
  let received = 0;
  // The deadline ends the body itself, not only the request it was given to.
  const onAbort = () => response.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) response.destroy();
    for await (const chunk of response as AsyncIterable<Buffer>) {
      received += chunk.byteLength;
      if (received > maxBytes) throw tooLarge(maxBytes);
      yield chunk;
    }
  } catch (error) {
    throw refusalFor(error, signal, timeoutMs);
  } finally {
    signal.removeEventListener('abort', onAbort);
    done();
    response.destroy();
  }
}

function refusalFor(error: unknown, signal: AbortSignal, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  if (signal.aborted) {
    return refused('timeout', `timed out after ${timeoutMs} ms`, error);
  }
  // A code ("ECONNREFUSED", "CERT_HAS_EXPIRED") says enough; node's message would add the address.
  const code = (error as { code?: unknown } | null)?.code;
  return refused(
    'network',
    typeof code === 'string' ? `the connection failed (${code})` : 'the connection failed',
    error,
  );
}

function refused(reason: RemoteFetchRefusal, why: string, cause?: unknown): AppError {
  return new AppError('REMOTE_FETCH_REFUSED', `The file could not be fetched: ${why}`, { details: { reason }, cause });
}

// One answer whether the name does not resolve or resolves to a private address: the client must
// not learn which names the server's own resolver knows (internal hosts). The cause keeps which.
function notPublic(host: string, cause?: unknown): AppError {
  return refused('address', `host ${host} has no public address`, cause);
}

function tooLarge(maxBytes: number): AppError {
  return refused('too-large', `the file is larger than ${maxBytes} bytes`);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Whether the URL's host and port are one of the allowance's pairs (default ports included). */
export function isAllowedHostPort(url: URL, allow: RemoteFetchAllowance | undefined): boolean {
  const hostPort = `${url.hostname}:${portOf(url)}`;
  return allow?.hostPorts.some((entry) => entry.toLowerCase() === hostPort) ?? false;
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** An IPv6 host without the brackets a URL puts around it. */
function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
