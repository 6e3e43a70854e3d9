// /signup: guests create an account (owners come from the demo data), then land signed in on
// the inbox or the same-site `callbackUrl`.
import type { Metadata } from 'next';
import { AuthCard } from '@/components/auth/auth-card';
import { SignupForm } from '@/components/auth/signup-form';

export const metadata: Metadata = { title: 'Create an account · StayEasy' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignupPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = Array.isArray(params.callbackUrl) ? params.callbackUrl[0] : params.callbackUrl;
  return (
    <AuthCard title="Create your account" subtitle="Message hosts about your next stay.">
      <SignupForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
