// What a server checks when it starts (the web app from instrumentation.ts, the realtime server
// from realtime/main.ts): the environment (a production server refuses the demo secrets) and
// DATABASE_URL. Without them it exits with one clear line instead of failing its requests
// (Next.js itself would log the error and keep serving errors). lib/env is imported here, not
// statically by the caller, because it parses the environment when first imported.
export async function loadServerConfiguration(server: 'web' | 'realtime') {
  try {
    const { env, requireDatabaseUrl } = await import('./env');
    return { env, databaseUrl: requireDatabaseUrl() };
  } catch (error) {
    console.error(`${server}: cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
