// The migrated database every test file's database is copied from.
export const TEMPLATE_DATABASE = 'stayeasy_template';
