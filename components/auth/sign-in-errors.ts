// What to tell the user for next-auth's sign-in error codes: CredentialsSignin (authorize
// returned null: wrong email or password) and RATE_LIMITED (lib/auth/options.ts throws the
// AppError's code). Messages never reveal whether the email has an account.
export const RATE_LIMITED_MESSAGE = 'Too many attempts, try again later';
export const WRONG_CREDENTIALS_MESSAGE = 'The email or password is incorrect.';
export const NETWORK_MESSAGE = 'Could not reach StayEasy. Check your connection and try again.';

export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  switch (code) {
    case 'CredentialsSignin':
      return WRONG_CREDENTIALS_MESSAGE;
    case 'RATE_LIMITED':
      return RATE_LIMITED_MESSAGE;
    case 'SessionRequired':
      return 'Please sign in to continue.';
    default:
      return 'Sign-in failed. Please try again.';
  }
}
