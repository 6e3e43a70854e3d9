import Link from 'next/link';

export default function HomePage() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-xl flex-col items-center justify-center gap-6 px-6 text-center">
      <p className="rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-700 dark:bg-brand-700/20 dark:text-brand-100">
        StayEasy
      </p>
      <h1 className="text-4xl font-semibold tracking-tight">Your conversations with hosts and guests</h1>
      <p className="text-slate-600 dark:text-slate-400">
        Ask about a stay, agree on details and keep every message in one place.
      </p>
      <Link
        href="/inbox"
        className="rounded-lg bg-brand-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
      >
        Open the inbox
      </Link>
    </main>
  );
}
