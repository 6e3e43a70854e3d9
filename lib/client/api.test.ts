// The one reader of the REST envelope, and apiFetch's bearer token and network failure.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiFetch, parseEnvelope } from './api';

function caught(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('did not throw');
}

describe('parseEnvelope', () => {
  it('returns the data of a 2xx answer', () => {
    expect(parseEnvelope(200, { data: { id: 'a' } })).toEqual({ id: 'a' });
    expect(parseEnvelope(201, { data: [1] })).toEqual([1]);
  });

  it("throws the server's error with its code, message, status and details", () => {
    const error = caught(() =>
      parseEnvelope(422, { error: { code: 'VALIDATION', message: 'Bad', details: { content: ['empty'] } } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'VALIDATION', message: 'Bad', status: 422, details: { content: ['empty'] } });
  });

  it('an error body wins over a 2xx status', () => {
    expect(caught(() => parseEnvelope(200, { error: { code: 'CONFLICT', message: 'x' } }))).toMatchObject({
      code: 'CONFLICT',
      status: 200,
    });
  });

  it('a body that is not the API\'s is INTERNAL, "<what> failed (<status>)"', () => {
    expect(caught(() => parseEnvelope(502, null))).toMatchObject({
      code: 'INTERNAL',
      message: 'Request failed (502)',
      status: 502,
    });
    expect(caught(() => parseEnvelope(413, null, 'Upload'))).toMatchObject({ message: 'Upload failed (413)' });
    expect(caught(() => parseEnvelope(500, {}))).toMatchObject({ code: 'INTERNAL', message: 'Request failed (500)' });
  });
});

describe('apiFetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the session cookie, and a bearer token when given one', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ data: 7 }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    expect(await apiFetch('/api/x')).toBe(7);
    expect(fetchMock).toHaveBeenLastCalledWith('/api/x', { credentials: 'same-origin' });
    await apiFetch('http://api.test/api/y', {
      token: 't0k',
      credentials: 'include',
      headers: { accept: 'application/json' },
    });
    const [, init] = fetchMock.mock.lastCall as unknown as [string, RequestInit];
    expect(init.credentials).toBe('include');
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer t0k');
    expect(new Headers(init.headers).get('accept')).toBe('application/json');
  });

  it('a failed request is NETWORK; an unreadable answer is INTERNAL with its status', async () => {
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('fetch failed')));
    await expect(apiFetch('/api/x')).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
    vi.stubGlobal('fetch', async () => new Response('<html>', { status: 504 }));
    await expect(apiFetch('/api/x')).rejects.toMatchObject({ code: 'INTERNAL', message: 'Request failed (504)' });
  });
});
