import { expect, test } from '@playwright/test';

test('passes', () => expect(2 + 2).toBe(4));
