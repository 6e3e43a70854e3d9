import { expect, it } from 'vitest';

it('passes', () => expect(2 + 2).toBe(4));
