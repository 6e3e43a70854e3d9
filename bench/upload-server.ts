// The web app's route handlers over HTTP in a process of their own (test/route-server.ts, which
// streams request bodies as Next.js does), on PORT: bench/upload-memory.ts reads its memory.
import { startRouteServer } from '../test/route-server';

await startRouteServer(Number(process.env.PORT));
