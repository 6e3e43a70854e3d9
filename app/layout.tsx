import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { GeistSans } from 'geist/font/sans';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'StayEasy Inbox',
  description: 'Messages between StayEasy guests and property owners',
};

// Dark mode follows the system: globals.css styles `dark:` under a `dark` class on <html>, and
// this runs before the first paint (no flash) and again whenever the preference changes.
const colorSchemeScript = `(function(){try{var m=window.matchMedia('(prefers-color-scheme: dark)');var a=function(){document.documentElement.classList.toggle('dark',m.matches)};a();m.addEventListener('change',a)}catch(e){}})()`;

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The page's CSP nonce (proxy.ts); reading it also makes every page render per request, which
  // a nonce needs.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    // The script changes <html>'s class before React hydrates; that difference is expected.
    <html lang="en" className={GeistSans.variable} suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: colorSchemeScript }} />
      </head>
      <body className="min-h-dvh bg-white font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
