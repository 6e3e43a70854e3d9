// The project's own Vitest configuration (same global setup: the embedded PostgreSQL), narrowed
// to one fixture file named by GATE_FIXTURE. Run by test/gates/exit-codes.test.ts.
import { defineConfig } from 'vitest/config';
import project from '../../../vitest.config';

export default defineConfig({
  ...project,
  root: `${import.meta.dirname}/../../..`,
  test: { ...project.test, include: [`test/gates/vitest-fixture/${process.env.GATE_FIXTURE}.fixture.ts`] },
});
