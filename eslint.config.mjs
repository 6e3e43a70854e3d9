// ESLint (flat config): Next.js's recommended and Core Web Vitals rules, and typescript-eslint's
// recommended rules through eslint-config-next/typescript. Part of `npm run lint` (npm test),
// where a warning fails too (--max-warnings 0).
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      // `const { secret: _omit, ...safe } = row` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // A variable that a callback reads before its one assignment (set up a watcher, then the
      // thing it watches) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  globalIgnores([
    '.next*/**',
    'dist/**',
    'lib/db/generated/**',
    'next-env.d.ts',
    'test-results/**',
    '.data/**',
    'bench/results/**',
  ]),
]);
