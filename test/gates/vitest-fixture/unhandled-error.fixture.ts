// Every test passes, but an error nobody awaited escapes: Vitest reports it and must fail.
import { expect, it } from 'vitest';

it('passes but leaves a rejected promise behind', () => {
  void Promise.reject(new Error('nobody handled me'));
  expect([1, 2].map((n) => n * 2)).toEqual([2, 4]);
});
