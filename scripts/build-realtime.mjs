// `npm run build` (after `next build`): bundles the realtime server (realtime/main.ts and the lib/
// code it imports) into one ES module, dist/realtime/main.mjs, that plain `node` runs: a
// production start needs no TypeScript loader. npm packages stay imports (node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: ['realtime/main.ts'],
  outfile: 'dist/realtime/main.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'info',
});
