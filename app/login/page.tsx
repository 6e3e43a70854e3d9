// /login: next-auth's sign-in page (authOptions.pages.signIn). Reads `callbackUrl` and
// `error` (next-auth's own redirects carry them) and hands them to the client form.
import type { Metadata } from 'next';
import { AuthCard } from '@/components/auth/auth-card';
import { LoginForm } from '@/components/auth/login-form';

export const metadata: Metadata = { title: 'Sign in · StayEasy' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return (
    <AuthCard title="Sign in" subtitle="Welcome back. Sign in to see your conversations.">
      <LoginForm callbackUrl={first(params.callbackUrl)} initialError={first(params.error)} />
    </AuthCard>
  );
}
