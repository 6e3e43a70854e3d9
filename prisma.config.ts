// Prisma CLI configuration. Only `prisma generate` runs here (the schema engine cannot be
// downloaded, so migrations are applied by scripts/migrate.ts); the URL is for tools that
// want it and may be absent.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
