'use client';
// The guest sign-up form: checks the input with the same zod schema as the API, posts it to
// POST /api/auth/signup, shows the API's field errors (error.details) and CONFLICT message in
// place, then signs in with the same credentials and moves on to the inbox (or a same-site
// callback URL).
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { signUpSchema } from '@/lib/auth/schemas';
import { ApiError, postJson } from '@/lib/client/api';
import { issueDetails } from '@/lib/validation';
import { linkClass } from './auth-card';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { Field, FormAlert, SubmitButton } from './form-parts';
import { signInWithCredentials } from './sign-in';
import { NETWORK_MESSAGE, signInErrorMessage } from './sign-in-errors';

const FIELDS = ['name', 'email', 'password'] as const;
type FieldName = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<FieldName, string>>;
const LABELS: Record<FieldName, string> = { name: 'Name', email: 'Email', password: 'Password' };

/** `[{ path: ['password'], message: 'must be at least 8 characters' }]` → `{ password: 'Password must be …' }`. */
function fieldErrorsOf(details: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!Array.isArray(details)) return errors;
  for (const issue of details) {
    const field = Array.isArray(issue?.path) ? String(issue.path[0]) : '';
    const message = typeof issue?.message === 'string' ? issue.message : '';
    if ((FIELDS as readonly string[]).includes(field) && message && !errors[field as FieldName]) {
      const name = field as FieldName;
      errors[name] = /^[a-z]/.test(message) ? `${LABELS[name]} ${message}` : message;
    }
  }
  return errors;
}

export function SignupForm({ callbackUrl }: { callbackUrl?: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<React.ReactNode>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get('name') ?? ''),
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
    };

    const local = signUpSchema.safeParse(input);
    if (!local.success) {
      setError(null);
      setFieldErrors(fieldErrorsOf(issueDetails(local.error.issues)));
      focusFirstInvalid(event.currentTarget);
      return;
    }

    const target = safeCallbackUrl(callbackUrl, window.location.origin);
    setPending(true);
    setError(null);
    setFieldErrors({});
    try {
      try {
        await postJson('/api/auth/signup', input);
      } catch (caught) {
        if (!(caught instanceof ApiError) || caught.code === 'NETWORK') throw caught;
        const fields = fieldErrorsOf(caught.details);
        setFieldErrors(fields);
        if (caught.code === 'CONFLICT') {
          setError(
            <>
              {caught.message}.{' '}
              <Link href={loginHref(callbackUrl)} className={linkClass}>
                Sign in instead
              </Link>
            </>,
          );
        } else if (Object.keys(fields).length === 0) {
          // INTERNAL: our server's own apology, or a proxy's error page with no message at all.
          setError(caught.code === 'INTERNAL' ? 'Could not create the account. Please try again.' : caught.message);
        }
        setPending(false);
        return;
      }

      const failure = await signInWithCredentials(input.email, input.password, target);
      if (failure) {
        setError(
          <>
            Your account was created, but signing in failed: {signInErrorMessage(failure)}{' '}
            <Link href={loginHref(callbackUrl)} className={linkClass}>
              Go to sign in
            </Link>
          </>,
        );
        setPending(false);
        return;
      }
      router.replace(target);
      router.refresh();
    } catch {
      setError(NETWORK_MESSAGE);
      setPending(false);
    }
  }

  // method="post": should a submission ever bypass onSubmit, the password stays out of the URL.
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-5">
      {error && <FormAlert>{error}</FormAlert>}
      <Field
        name="name"
        label="Name"
        type="text"
        autoComplete="name"
        autoFocus
        required
        maxLength={80}
        disabled={pending}
        error={fieldErrors.name}
      />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        disabled={pending}
        placeholder="you@example.com"
        error={fieldErrors.email}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        disabled={pending}
        hint="At least 8 characters."
        error={fieldErrors.password}
      />
      <SubmitButton pending={pending} label="Create account" pendingLabel="Creating account…" />
      <p className="text-center text-sm text-slate-600 dark:text-slate-400">
        Already have an account?{' '}
        <Link href={loginHref(callbackUrl)} className={linkClass}>
          Sign in
        </Link>
      </p>
    </form>
  );
}

function loginHref(callbackUrl: string | undefined): string {
  return callbackUrl ? `/login?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/login';
}

function focusFirstInvalid(form: HTMLFormElement) {
  // After React has rendered the errors, move focus to the first field that has one.
  requestAnimationFrame(() => form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus());
}
