// Runs once when the web server starts (Next.js skips it during `next build`): a server without
// its secrets or DATABASE_URL exits here with one clear message instead of failing its requests
// (Next.js itself would log the error and keep serving errors).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  try {
    const { requireDatabaseUrl } = await import('./lib/env');
    requireDatabaseUrl();
  } catch (error) {
    console.error(`web: cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
