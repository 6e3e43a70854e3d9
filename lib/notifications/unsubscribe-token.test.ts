// The unsubscribe link's token: it names its user, and any change to it is refused.
import { describe, expect, it } from 'vitest';
import { unsubscribeToken, userOfUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'a-test-secret-of-enough-length';

describe('unsubscribe token', () => {
  it('names the user it was made for', () => {
    expect(userOfUnsubscribeToken(unsubscribeToken('cuser123', SECRET), SECRET)).toBe('cuser123');
  });

  it('refuses a token for another user, another secret, or changed in any way', () => {
    const token = unsubscribeToken('cuser123', SECRET);
    const [, signature] = token.split('.');
    const forged = [
      `${Buffer.from('cother456').toString('base64url')}.${signature}`,
      unsubscribeToken('cuser123', 'another-secret-of-enough-length'),
      `${token}x`,
      token.slice(0, -2),
      `${token}.extra`,
      'nonsense',
      '',
    ];
    for (const bad of forged) {
      expect(() => userOfUnsubscribeToken(bad, SECRET), bad).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    }
  });
});
