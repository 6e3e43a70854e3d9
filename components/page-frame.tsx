// The frame of a page outside the inbox (settings, moderation): the way back to the inbox and the
// page's heading, then its content.
import Link from 'next/link';

export function PageFrame({
  title,
  wide = false,
  children,
}: {
  title: string;
  wide?: boolean;
  children: React.ReactNode;
}) {
  return (
    <main className={`mx-auto flex min-h-dvh ${wide ? 'max-w-3xl' : 'max-w-2xl'} flex-col gap-4 p-4 sm:p-6`}>
      <Link href="/inbox" className="text-sm text-brand-700 underline dark:text-brand-100">
        ← Back to your inbox
      </Link>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {children}
    </main>
  );
}
