// next-auth configuration: email + password (Credentials), JWT sessions whose token carries the
// id of a database Session row (created at sign-in, revoked at sign-out), so the database can
// end a session that a JWT alone would keep alive.
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { db } from '../db';
import { env } from '../env';
import { AppError } from '../errors';
import { safeCallbackUrl } from './callback-url';
import { signInWithPassword } from './password-sign-in';
import { revokeSession, SESSION_TTL_SECONDS } from './sessions';
import { clientAddress, signInLimits } from './sign-in-limits';

export const authOptions: NextAuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: 'jwt', maxAge: SESSION_TTL_SECONDS },
  pages: { signIn: '/login' },
  providers: [
    CredentialsProvider({
      name: 'Email',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
        const client = { ip: clientAddress((name) => headers[name]), userAgent: headers['user-agent'] };
        try {
          return await signInWithPassword({ db, limits: signInLimits }, credentials, client);
        } catch (error) {
          // next-auth passes the message on as ?error=… to the sign-in page.
          if (error instanceof AppError) throw new Error(error.code);
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    // Only this site, whatever callbackUrl (query, form or cookie) asks for. next-auth's default
    // parses it with `new URL()` unguarded, so a look-alike such as
    // "http://localhost:3000.evil.example/" (an invalid port) made every auth route answer 500.
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeCallbackUrl(url, baseUrl)}`;
    },
    jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { id: string; role: string; sessionId: string };
        token.sub = u.id;
        token.role = u.role;
        token.sid = u.sessionId;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub, role: token.role }, sessionId: token.sid };
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === 'string') await revokeSession(db, token.sid);
    },
  },
};
