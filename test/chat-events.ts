// Records the chat events published on the database (PostgreSQL NOTIFY), as a realtime node hears them.
import pg from 'pg';
import { CHAT_EVENTS_CHANNEL, parseChatEvent, type ChatEvent } from '../lib/chat/events';

/** Records every chat event published from now on; `stop()` returns them once all have arrived. */
export async function listenToChatEvents() {
  const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  const events: ChatEvent[] = [];
  listener.on('notification', (n) => {
    const e = n.payload ? parseChatEvent(n.payload) : null;
    if (e) events.push(e);
  });
  await listener.query(`LISTEN ${CHAT_EVENTS_CHANNEL}`);
  return {
    events,
    async stop() {
      await listener.query('SELECT 1'); // notifications committed before this round trip have arrived
      await listener.end();
      return events;
    },
  };
}
