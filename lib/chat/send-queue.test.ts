import { describe, expect, it } from 'vitest';
import type { StoreOutcome, SendRequest, SentMessage } from './send-messages';
import { createSendQueue } from './send-queue';

const request = (content: string): SendRequest => ({ senderId: 'u', input: { chatId: 'chat0001', content } });
const sentFor = (r: SendRequest) => ({ message: { content: r.input.content } }) as unknown as SentMessage;

/** A store whose groups the test finishes by hand, recording what each group held. */
function manualStore() {
  const groups: Array<{ contents: string[]; finish: (outcomes?: StoreOutcome[]) => void; fail: (e: unknown) => void }> =
    [];
  const store = (requests: SendRequest[]) =>
    new Promise<StoreOutcome[]>((resolve, reject) => {
      groups.push({
        contents: requests.map((r) => r.input.content),
        finish: (outcomes) => resolve(outcomes ?? requests.map((r) => ({ ok: true as const, sent: sentFor(r) }))),
        fail: reject,
      });
    });
  return { groups, store };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createSendQueue', () => {
  it('stores a lone send at once, and groups the sends that arrive while a group is in flight', async () => {
    const { groups, store } = manualStore();
    const queue = createSendQueue(store, { concurrency: 1 });
    const first = queue.send(request('a'));
    const rest = ['b', 'c', 'd'].map((c) => queue.send(request(c)));
    await tick();
    expect(groups.map((g) => g.contents)).toEqual([['a']]);
    groups[0]!.finish();
    expect((await first).message.content).toBe('a');
    await tick();
    expect(groups.map((g) => g.contents)).toEqual([['a'], ['b', 'c', 'd']]);
    groups[1]!.finish();
    expect((await Promise.all(rest)).map((s) => s.message.content)).toEqual(['b', 'c', 'd']);
  });

  it("starts the next group before it answers the finished group's sends", async () => {
    const { groups, store } = manualStore();
    const queue = createSendQueue(store, { concurrency: 1 });
    let groupsWhenAnswered = 0;
    const first = queue.send(request('a')).then(() => (groupsWhenAnswered = groups.length));
    const second = queue.send(request('b'));
    await tick();
    groups[0]!.finish();
    await first;
    // 'b' was already on its way to the database when 'a' was answered.
    expect(groupsWhenAnswered).toBe(2);
    expect(groups[1]!.contents).toEqual(['b']);
    groups[1]!.finish();
    expect((await second).message.content).toBe('b');
  });

  it('answers each send with its own outcome', async () => {
    const { groups, store } = manualStore();
    const queue = createSendQueue(store, { concurrency: 1 });
    const ok = queue.send(request('ok'));
    const bad = queue.send(request('bad'));
    await tick();
    groups[0]!.finish([{ ok: true, sent: sentFor(request('ok')) }]);
    await tick();
    groups[1]!.finish([{ ok: false, error: new Error('NOT_FOUND') }]);
    expect((await ok).message.content).toBe('ok');
    await expect(bad).rejects.toThrow('NOT_FOUND');
  });

  it('rejects every send of a group whose store failed, and goes on with the next', async () => {
    const { groups, store } = manualStore();
    const queue = createSendQueue(store, { concurrency: 1 });
    const a = queue.send(request('a'));
    await tick();
    const b = queue.send(request('b'));
    groups[0]!.fail(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await tick();
    groups[1]!.finish();
    expect((await b).message.content).toBe('b');
  });

  it('keeps groups within maxGroup and runs up to `concurrency` groups at once', async () => {
    const { groups, store } = manualStore();
    const queue = createSendQueue(store, { concurrency: 2, maxGroup: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((c) => queue.send(request(c)));
    await tick();
    expect(groups.map((g) => g.contents)).toEqual([['a'], ['b']]);
    groups[0]!.finish();
    await tick();
    expect(groups.map((g) => g.contents)).toEqual([['a'], ['b'], ['c', 'd']]);
    groups[1]!.finish();
    groups[2]!.finish();
    await tick();
    groups[3]!.finish();
    expect((await Promise.all(all)).map((s) => s.message.content)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(queue.waiting()).toBe(0);
  });

  it('reports each settled group (stored or failed) with one wait per send', async () => {
    const { groups, store } = manualStore();
    const seen: Array<{ waits: number; storeMs: number }> = [];
    const queue = createSendQueue(store, {
      concurrency: 1,
      observe: (group) => seen.push({ waits: group.waitedMs.length, storeMs: group.storeMs }),
    });
    const first = queue.send(request('a'));
    const rest = ['b', 'c'].map((c) => queue.send(request(c)).catch((e: unknown) => e));
    await tick();
    expect(seen).toEqual([]);
    groups[0]!.finish();
    await first;
    await tick();
    groups[1]!.fail(new Error('disk full'));
    await Promise.all(rest);
    await tick();
    expect(seen.map((g) => g.waits)).toEqual([1, 2]);
    expect(seen.every((g) => g.storeMs >= 0)).toBe(true);
  });
});
