// One browser-less flow file named by GATE_FIXTURE, without the project's web server. Run by
// test/gates/exit-codes.test.ts through `npm run test:e2e`.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: `${process.env.GATE_FIXTURE}.fixture.ts`,
  outputDir: `${import.meta.dirname}/../../../test-results/gates`,
  reporter: [['line']],
});
