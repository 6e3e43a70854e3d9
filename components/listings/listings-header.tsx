// The header of the property pages: the brand, and the way back to the inbox.
import Link from 'next/link';
import { BrandLink } from '@/components/brand-link';

export function ListingsHeader() {
  return (
    <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
      <BrandLink href="/properties" section="Stays" />
      <Link href="/inbox" className="text-sm font-medium text-brand-700 underline dark:text-brand-100">
        Your inbox
      </Link>
    </header>
  );
}
