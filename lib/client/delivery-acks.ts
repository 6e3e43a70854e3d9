// The browser's delivery receipts: a message pushed to this user (message_notification) is
// acknowledged with `mark_delivered`, at most once per interval, naming for each chat the newest
// message it received meanwhile ("delivered up to"): one event for every chat and burst, so
// receipts never spend the user's event budget chat by chat. Acks sent while the connection is
// down are buffered by Socket.IO until it is back; those it cannot deliver are recorded anyway by
// the catch-up after a reconnect (its REST reads record what they hand over). The wait is the interval plus up to half of
// it at random, so that clients that got messages at the same moment (a reconnect, a busy
// server's burst) do not all acknowledge at the same moment again, every interval.
import { MAX_DELIVERY_CLAIMS } from '../chat/schemas';

export class DeliveryAcks {
  private readonly newest = new Map<string, { id: string; createdAt: string }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (claims: Array<{ chatId: string; messageId: string }>) => void,
    private readonly intervalMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The client has this message of the chat. */
  received(chatId: string, message: { id: string; createdAt: string }): void {
    const known = this.newest.get(chatId);
    if (
      !known ||
      known.createdAt < message.createdAt ||
      (known.createdAt === message.createdAt && known.id < message.id)
    )
      this.newest.set(chatId, { id: message.id, createdAt: message.createdAt });
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs * (1 + this.random() / 2));
  }

  /** Sends what is waiting now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const claims = [...this.newest].map(([chatId, message]) => ({ chatId, messageId: message.id }));
    this.newest.clear();
    for (let i = 0; i < claims.length; i += MAX_DELIVERY_CLAIMS) this.send(claims.slice(i, i + MAX_DELIVERY_CLAIMS));
  }

  /** Forgets what is waiting (the client is closed). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.newest.clear();
  }
}
