// The StayEasy mark and name, linking home to a section (the inbox, the stays): one header brand.
import Link from 'next/link';

export function BrandLink({ href, section }: { href: string; section: string }) {
  return (
    <Link href={href} className="flex items-center gap-2 font-semibold tracking-tight">
      <span aria-hidden className="grid size-8 place-items-center rounded-lg bg-brand-600 text-white">
        S
      </span>
      StayEasy <span className="font-normal text-slate-500 dark:text-slate-400">{section}</span>
    </Link>
  );
}
