'use client';
// The sign-out button: ends the next-auth session (its database Session row is revoked by the
// signOut event in lib/auth/options.ts) and returns to the sign-in page.
import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { Spinner } from './spinner';

export function SignOutButton({ className = '' }: { className?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: '/login' }).catch(() => setPending(false));
      }}
      className={`inline-flex items-center gap-2 rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800 dark:focus-visible:ring-offset-slate-950 ${className}`}
    >
      {pending && <Spinner />}
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
