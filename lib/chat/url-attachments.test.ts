// Attachments named by URL at send, in the domain over the real database: what a send stores for
// them (in the message's transaction), the rule a URL must meet (a bad one fails its request
// alone and stores nothing), retries, and the order every read agrees on. Fetching them is
// app/api/url-attachments.test.ts; the socket path realtime/url-attachments.test.ts.
import { describe, expect, it } from 'vitest';
import { nameOfUrl } from '../attachments/attachments';
import { db } from '../db';
import { AppError } from '../errors';
import { createChat, createUpload } from '../../test/fixtures';
import { listMessages } from './messages';
import { listMessagesQuerySchema } from './schemas';
import { sendMessage, sendMessages } from './send-messages';

const firstPage = listMessagesQuerySchema.parse({});

async function counts() {
  return { messages: await db.message.count(), files: await db.file.count() };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('attachments named by URL, at send', () => {
  it('stores one file row per URL with the message: no bytes yet, the declared type, the URL', async () => {
    const { guest, owner, chat } = await createChat(db);
    const sent = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: 'the dock',
      attachments: [
        { url: 'https://example.com/photos/Dock%20at%20Dawn.jpg?size=large', type: 'image' },
        { url: 'https://files.example.org/', type: 'application/pdf' },
      ],
    });

    const rows = await db.file.findMany({ where: { messageId: sent.message.id }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.id).toMatch(/^[a-f0-9]{32}$/);
      expect(row).toMatchObject({ uploaderId: guest.id, size: 0, storageKey: null, fetchFailedAt: null });
    }
    expect(rows.map((r) => [r.originalName, r.mimeType, r.sourceUrl])).toEqual([
      ['Dock at Dawn.jpg', 'image', 'https://example.com/photos/Dock%20at%20Dawn.jpg?size=large'],
      ['attachment', 'application/pdf', 'https://files.example.org/'],
    ]);
    expect(sent.message.files).toEqual(
      rows.map((r) => ({
        id: r.id,
        originalName: r.originalName,
        mimeType: r.mimeType,
        size: 0,
        sourceUrl: r.sourceUrl,
        url: `/api/attachments/${r.id}`,
      })),
    );
    // Every read gives the same files as the send's answer.
    const page = await listMessages(db, owner.id, chat.id, firstPage);
    expect(page.messages.find((m) => m.id === sent.message.id)!.files).toEqual(sent.message.files);
  });

  it('lists uploads first, then the URLs in the order the send gave them, in the answer and in every read', async () => {
    const { guest, owner, chat } = await createChat(db);
    const upload = await createUpload(db, guest.id);
    const urls = ['https://example.com/c.png', 'https://example.com/a.png', 'https://example.com/b.png'];
    const sent = await sendMessage(db, guest.id, {
      chatId: chat.id,
      content: '',
      attachments: [
        { url: urls[0]!, type: 'image' },
        upload.id,
        ...urls.slice(1).map((url) => ({ url, type: 'image' })),
      ],
    });
    const expected = [null, ...urls];
    expect(sent.message.files.map((f) => f.sourceUrl)).toEqual(expected);
    const page = await listMessages(db, owner.id, chat.id, firstPage);
    expect(page.messages.find((m) => m.id === sent.message.id)!.files).toEqual(sent.message.files);
  });

  it.each([
    ['javascript:alert(1)', 'must be an https URL'],
    ['http://127.0.0.1/x.png', 'must not name a private, local or reserved address'],
    ['file:///etc/passwd', 'must be an https URL'],
    ['https://10.0.0.1/x.png', 'must not name a private, local or reserved address'],
    ['https://169.254.169.254/', 'must not name a private, local or reserved address'],
    ['http://example.com/x.png', 'must be an https URL'],
    ['https://user:secret@example.com/x.png', 'must not contain a user name or password'],
    ['https://example.com:8443/x.png', 'must use the default port'],
    ['not a url', 'must be a URL'],
  ])('refuses %s with VALIDATION at its place, storing nothing', async (url, message) => {
    const { guest, chat } = await createChat(db);
    const upload = await createUpload(db, guest.id);
    const before = await counts();
    const error = await refusal(
      sendMessage(db, guest.id, {
        chatId: chat.id,
        content: 'look',
        attachments: [upload.id, { url: 'https://example.com/fine.png', type: 'image' }, { url, type: 'image' }],
      }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.extra.details).toEqual([{ path: ['attachments', 2, 'url'], message }]);
    expect(await counts()).toEqual(before);
    // The upload it named is still free to send.
    expect((await db.file.findUniqueOrThrow({ where: { id: upload.id } })).messageId).toBeNull();
  });

  it('a request with a bad URL fails alone in its group; the others are stored with their files', async () => {
    const { guest, owner, chat } = await createChat(db);
    const upload = await createUpload(db, guest.id);
    const outcomes = await sendMessages(db, [
      {
        senderId: guest.id,
        input: { chatId: chat.id, content: 'good', attachments: [{ url: 'https://example.com/1.png', type: 'image' }] },
      },
      // The same upload as the last request: the refused one must not claim it.
      {
        senderId: guest.id,
        input: {
          chatId: chat.id,
          content: 'bad',
          attachments: [upload.id, { url: 'https://10.1.2.3/', type: 'image' }],
        },
      },
      { senderId: owner.id, input: { chatId: chat.id, content: 'plain' } },
      { senderId: guest.id, input: { chatId: chat.id, content: 'upload', attachments: [upload.id] } },
    ]);
    expect(outcomes.map((o) => (o.ok ? 'stored' : (o.error as AppError).code))).toEqual([
      'stored',
      'VALIDATION',
      'stored',
      'stored',
    ]);
    expect(((outcomes[1] as { error: AppError }).error.extra.details as Array<{ path: unknown }>)[0]!.path).toEqual([
      'attachments',
      1,
      'url',
    ]);
    const stored = await db.message.findMany({ where: { chatId: chat.id }, include: { files: true } });
    expect(stored.map((m) => [m.content, m.files.map((f) => f.sourceUrl ?? f.id)]).sort()).toEqual([
      ['good', ['https://example.com/1.png']],
      ['plain', []],
      ['upload', [upload.id]],
    ]);
  });

  it('a retry by clientMessageId is answered with the stored message and its files, inserting nothing', async () => {
    const { guest, chat } = await createChat(db);
    const input = {
      chatId: chat.id,
      content: 'once',
      clientMessageId: 'url-retry',
      attachments: [{ url: 'https://example.com/once.png', type: 'image' }],
    };
    const first = await sendMessage(db, guest.id, input);
    const before = await counts();
    const [again, twice] = await sendMessages(db, [
      { senderId: guest.id, input },
      { senderId: guest.id, input },
    ]);
    for (const outcome of [again, twice]) {
      expect(outcome!.ok).toBe(true);
      const { sent } = outcome as { sent: typeof first };
      expect(sent.duplicate).toBe(true);
      expect(sent.message).toEqual(first.message);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('nameOfUrl', () => {
  it.each([
    ['https://example.com/cabin.jpg', 'cabin.jpg'],
    ['https://example.com/a/b/Dock%20View.PNG?x=1#y', 'Dock View.PNG'],
    ['https://example.com/dir/', 'dir'],
    ['https://example.com/', 'attachment'],
    ['https://example.com/%2e%2e%2Fetc%2Fpasswd', 'passwd'],
    ['https://example.com/invoice%E2%80%AEgnp.exe', 'invoicegnp.exe'],
    ['https://example.com/100%25.png', '100%.png'],
    ['https://example.com/bad%E0%A4%A.png', 'bad%E0%A4%A.png'],
    ['https://example.com/trailing...', 'trailing'],
  ])('%s → %s', (url, name) => expect(nameOfUrl(new URL(url))).toBe(name));

  it('keeps at most 200 characters', () => {
    expect(nameOfUrl(new URL(`https://example.com/${'é'.repeat(300)}.png`))).toBe('é'.repeat(200));
  });
});
