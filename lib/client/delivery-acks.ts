// The browser's delivery receipts: a message pushed to this user (message_notification) is
// acknowledged with `mark_delivered`, at most one per chat per interval, naming the newest
// message the chat received meanwhile ("delivered up to"): a burst of messages costs one event.
// Acks lost while offline are not kept: the catch-up after the reconnect loads those messages over
// REST, which records their delivery on the server. The wait is the interval plus up to half of
// it at random, so that clients that got messages at the same moment (a reconnect, a busy
// server's burst) do not all acknowledge at the same moment again, every interval.

export class DeliveryAcks {
  private readonly newest = new Map<string, { id: string; createdAt: string }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (chatId: string, messageId: string) => void,
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
    for (const [chatId, message] of this.newest) this.send(chatId, message.id);
    this.newest.clear();
  }

  /** Forgets what is waiting (disconnected: the catch-up records it). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.newest.clear();
  }
}
