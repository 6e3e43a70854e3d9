// Cross-site request forgery: a write carried by the session cookie must come from the app's own
// pages. SameSite=Lax stops other sites, but another port of the same host or a sibling
// subdomain is the same site and gets the cookie sent along. Browsers name the page a request
// comes from (Origin on every non-GET request, Sec-Fetch-Site on modern ones); a request with
// neither comes from no browser, and so cannot be forged by a page. Bearer requests are exempt:
// a page cannot make a browser attach a token. (JSON bodies are also required: lib/http/respond.)

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a cookie-authenticated request is refused as cross-site, or null when it may go on. */
export function crossSiteRefusal(request: Request, appOrigin: string): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== new URL(appOrigin).origin) return `a request from ${origin}`;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return `a ${site} request`;
  return null;
}
