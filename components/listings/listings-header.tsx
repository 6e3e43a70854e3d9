// The header of the property pages: the brand, and the way back to the inbox.
import Link from 'next/link';

export function ListingsHeader() {
  return (
    <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
      <Link href="/properties" className="flex items-center gap-2 font-semibold tracking-tight">
        <span aria-hidden className="grid size-8 place-items-center rounded-lg bg-brand-600 text-white">
          S
        </span>
        StayEasy <span className="font-normal text-slate-500 dark:text-slate-400">Stays</span>
      </Link>
      <Link href="/inbox" className="text-sm font-medium text-brand-700 underline dark:text-brand-100">
        Your inbox
      </Link>
    </header>
  );
}
