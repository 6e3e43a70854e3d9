'use client';
// The sign-in form: email + password through next-auth's Credentials provider without a full
// page redirect, so errors (wrong credentials, rate limiting) show in place as an alert; on
// success it moves on to the (same-site) callback URL, or the inbox.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { linkClass } from './auth-card';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { Field, FormAlert, SubmitButton } from './form-parts';
import { signInWithCredentials } from './sign-in';
import { NETWORK_MESSAGE, signInErrorMessage } from './sign-in-errors';

export function LoginForm({ callbackUrl, initialError }: { callbackUrl?: string; initialError?: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(() => signInErrorMessage(initialError));

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      setError('Enter your email and password.');
      return;
    }
    const target = safeCallbackUrl(callbackUrl, window.location.origin);
    setPending(true);
    setError(null);
    try {
      const failure = await signInWithCredentials(email, password, target);
      if (failure) {
        setError(signInErrorMessage(failure));
        setPending(false);
        return;
      }
      // Stay pending while the next page loads.
      router.replace(target);
      router.refresh();
    } catch {
      setError(NETWORK_MESSAGE);
      setPending(false);
    }
  }

  const signupHref = callbackUrl ? `/signup?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/signup';
  // method="post": should a submission ever bypass onSubmit, the password stays out of the URL.
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-5">
      {error && <FormAlert>{error}</FormAlert>}
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        inputMode="email"
        autoFocus
        required
        disabled={pending}
        placeholder="you@example.com"
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        disabled={pending}
      />
      <SubmitButton pending={pending} label="Sign in" pendingLabel="Signing in…" />
      <p className="text-center text-sm text-slate-600 dark:text-slate-400">
        New to StayEasy?{' '}
        <Link href={signupHref} className={linkClass}>
          Create an account
        </Link>
      </p>
    </form>
  );
}
