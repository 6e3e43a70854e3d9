// Runs once when the web server starts (Next.js skips it during `next build`). The checks are
// Node-only, so they live in their own module, loaded for the Node.js runtime alone.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { loadServerConfiguration } = await import('./lib/server-start');
    await loadServerConfiguration('web');
  }
}
