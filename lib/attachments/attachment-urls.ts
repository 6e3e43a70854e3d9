// Attachments named by URL (the seed client's `{ url, type }`), at send: the rule a URL must meet
// to be stored with a message. It is the fetcher's own rule (checkRemoteUrl: http or https, port
// 80 or 443, no credentials, no literal non-public address), checked now so that a bad URL is the
// sender's VALIDATION error rather than a file nobody can ever read, plus https: the file is
// fetched later for other people, and only the test allowance may be plain http. A name that
// resolves to a private address passes here and is refused when fetched
// (lib/attachments/attachments.ts): a lookup now would prove nothing about the lookup then.
import { env } from '../env';
import { AppError } from '../errors';
import type { UrlAttachment } from '../chat/schemas';
import { checkRemoteUrl, isAllowedHostPort, type RemoteFetchAllowance, type RemoteFetchRefusal } from './remote-fetch';

/**
 * ATTACHMENT_FETCH_ALLOW as the fetcher takes it (none in production, lib/env.ts): the one
 * source of the send rule's allowance and the fetch's.
 */
export function attachmentFetchAllowance(): RemoteFetchAllowance | undefined {
  return env.ATTACHMENT_FETCH_ALLOW.length > 0 ? { hostPorts: env.ATTACHMENT_FETCH_ALLOW } : undefined;
}

export const isUrlAttachment = (item: string | UrlAttachment): item is UrlAttachment => typeof item !== 'string';

/** A URL attachment that passed the rule; `url` is what is stored and later fetched. */
export interface CheckedUrlAttachment {
  url: URL;
  type: string;
}

// What the sender is told, by the fetcher's reason (only these can come from the URL alone).
const PROBLEMS: Partial<Record<RemoteFetchRefusal, string>> = {
  'invalid-url': 'must be a URL',
  scheme: 'must be an https URL',
  credentials: 'must not contain a user name or password',
  port: 'must use the default port',
  address: 'must not name a private, local or reserved address',
};

/**
 * The URL items among a send's attachments, in their order, once every one passed the rule.
 * Throws VALIDATION naming each bad one at `attachments.<i>.url` (i its place among all the
 * attachments, file ids included).
 */
export function checkUrlAttachments(
  attachments: ReadonlyArray<string | UrlAttachment>,
  allow = attachmentFetchAllowance(),
): CheckedUrlAttachment[] {
  const checked: CheckedUrlAttachment[] = [];
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  attachments.forEach((item, i) => {
    if (!isUrlAttachment(item)) return;
    const url = checkUrl(item.url, allow);
    if (typeof url === 'string') problems.push({ path: ['attachments', i, 'url'], message: url });
    else checked.push({ url, type: item.type });
  });
  if (problems.length > 0) {
    throw new AppError('VALIDATION', 'An attachment URL cannot be used', { details: problems });
  }
  return checked;
}

/** The parsed URL, or what is wrong with it. */
function checkUrl(url: string, allow: RemoteFetchAllowance | undefined): URL | string {
  let parsed: URL;
  try {
    parsed = checkRemoteUrl(url, allow);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'REMOTE_FETCH_REFUSED') throw error;
    const { reason } = error.extra.details as { reason: RemoteFetchRefusal };
    return PROBLEMS[reason] ?? 'cannot be fetched';
  }
  if (parsed.protocol !== 'https:' && !isAllowedHostPort(parsed, allow)) return PROBLEMS.scheme!;
  return parsed;
}
