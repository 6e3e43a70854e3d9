// Emails leave through nodemailer over SMTP (SMTP_URL). Timeouts are short: a sweep holds its
// rows while it mails them, and a server that does not answer is retried later, not waited for.
import nodemailer from 'nodemailer';
import type { SendEmail } from './unread-emails';

export function smtpSender(smtpUrl: string, from: string): SendEmail & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const send = async (email: Parameters<SendEmail>[0]) => {
    await transport.sendMail({ from, ...email });
  };
  return Object.assign(send, { close: () => transport.close() });
}
