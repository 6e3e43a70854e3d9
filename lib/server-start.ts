// What the web server checks when it starts (instrumentation.ts): without its secrets or
// DATABASE_URL it exits with one clear line instead of failing its requests (Next.js itself
// would log the error and keep serving errors).
export async function checkServerConfiguration(): Promise<void> {
  try {
    // Importing lib/env parses the environment (a production server refuses the demo secrets).
    const { requireDatabaseUrl } = await import('./env');
    requireDatabaseUrl();
  } catch (error) {
    console.error(`web: cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
