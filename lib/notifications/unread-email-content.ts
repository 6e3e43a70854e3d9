// What an unread-messages email says, as plain text and HTML: who wrote, about which stay, the
// unread messages (marked when edited) or, when the recipient hides message text, only that
// there is a new message; a link to the thread and the one-click unsubscribe link. Pure, so it is
// tested without a mail server. Every text from users goes through escapeHtml in the HTML part.
import escapeHtml from 'escape-html';

/** At most this many messages are quoted; the email says how many more there are. */
export const MAX_QUOTED_MESSAGES = 10;

export interface UnreadEmailInput {
  recipientName: string;
  senderName: string;
  propertyName: string;
  /** The unread messages, oldest first. */
  messages: Array<{ content: string; edited: boolean; fileCount: number }>;
  hideText: boolean;
  threadUrl: string;
  unsubscribeUrl: string;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : `${n} ${many}`);

function lineOf(message: UnreadEmailInput['messages'][number]): string {
  const files = message.fileCount ? ` [${plural(message.fileCount, 'an attachment', 'attachments')}]` : '';
  return `${message.content}${files}${message.edited ? ' (edited)' : ''}`.trim();
}

export function unreadEmailContent(input: UnreadEmailInput): EmailContent {
  const count = input.messages.length;
  const quoted = input.messages.slice(-MAX_QUOTED_MESSAGES);
  const more = count - quoted.length;
  const subject = input.hideText
    ? 'You have a new message on StayEasy'
    : `${input.senderName} sent you ${plural(count, 'a message', 'messages')} about ${input.propertyName}`;
  const intro = input.hideText
    ? 'You have a new message on StayEasy.'
    : `${input.senderName} wrote to you about ${input.propertyName}:`;
  const footer = 'You get this email because a message to you was left unread. To stop these emails, unsubscribe:';

  const text = [
    `Hi ${input.recipientName},`,
    '',
    intro,
    ...(input.hideText
      ? []
      : [
          '',
          ...(more ? [`(${plural(more, 'an earlier message', 'earlier messages')} not shown)`] : []),
          ...quoted.map((m) => `> ${lineOf(m).replace(/\n/g, '\n> ')}`),
        ]),
    '',
    `Read and reply: ${input.threadUrl}`,
    '',
    '--',
    `${footer} ${input.unsubscribeUrl}`,
    '',
  ].join('\n');

  const e = escapeHtml;
  const messagesHtml = input.hideText
    ? ''
    : `${more ? `<p style="color:#475569;font-size:13px">(${e(plural(more, 'an earlier message', 'earlier messages'))} not shown)</p>` : ''}${quoted
        .map(
          (m) =>
            `<blockquote style="margin:8px 0;padding:8px 12px;border-left:3px solid #0d9488;background:#f1f5f9;white-space:pre-wrap">${e(lineOf(m))}</blockquote>`,
        )
        .join('')}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#ffffff;color:#0f172a;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:15px;line-height:1.5">
<main style="max-width:560px;margin:0 auto">
<p style="font-weight:600;color:#0f766e;font-size:18px;margin:0 0 16px">StayEasy</p>
<p>Hi ${e(input.recipientName)},</p>
<p>${e(intro)}</p>
${messagesHtml}
<p style="margin:24px 0"><a href="${e(input.threadUrl)}" style="background:#0f766e;color:#ffffff;padding:10px 18px;border-radius:999px;text-decoration:none;font-weight:600">Read and reply</a></p>
<hr style="border:none;border-top:1px solid #e2e8f0">
<p style="color:#475569;font-size:13px">${e(footer)} <a href="${e(input.unsubscribeUrl)}" style="color:#0f766e">unsubscribe</a>.</p>
</main>
</body></html>
`;
  return { subject, text, html };
}
