import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/databases';
import { migrate } from './migrate';
import { shapeFromDatabase, shapeFromPrismaSchema, type SchemaShape } from './schema-shape';

const SCHEMA_PATH = path.resolve(import.meta.dirname, '../../prisma/schema.prisma');

describe('prisma/migrations against schema.prisma', () => {
  let client: pg.Client;
  let migrated: SchemaShape;
  let schemaText: string;

  beforeAll(async () => {
    const { url } = await createTestDatabase({ empty: true });
    await migrate(url);
    client = new pg.Client({ connectionString: url });
    await client.connect();
    migrated = await shapeFromDatabase(client);
    schemaText = await readFile(SCHEMA_PATH, 'utf8');
  });
  afterAll(() => client?.end());

  it('an empty database, once migrated, has exactly the tables, columns, enums, indexes and keys Prisma parses', async () => {
    const declared = await shapeFromPrismaSchema(schemaText);
    expect(migrated.tables).toEqual(declared.tables);
    expect(migrated.columns).toEqual(declared.columns);
    expect(migrated.enums).toEqual(declared.enums);
    expect(migrated.indexes).toEqual(declared.indexes);
    expect(migrated.foreignKeys).toEqual(declared.foreignKeys);
    expect(migrated.views).toEqual(declared.views);
    // Sanity: the comparison really covers the model, it is not two empty lists.
    expect(declared.tables).toHaveLength(15);
    expect(declared.columns.length).toBeGreaterThan(50);
    expect(declared.foreignKeys.length).toBeGreaterThan(15);
  });

  it('the partial unread index, which schema.prisma cannot express, is in the migrated database', () => {
    expect(migrated.indexes).toContain('messages idx_messages_unread (recipient_id, chat_id) WHERE (read_at IS NULL)');
  });

  it('the chat_messages view, which schema.prisma does not declare, is in the migrated database', () => {
    expect(migrated.views).toEqual(['chat_messages']);
  });

  it('detects a view the migrations create that schema-shape does not list', async () => {
    await client.query('BEGIN');
    try {
      await client.query('CREATE VIEW stray_view AS SELECT id FROM messages');
      const withStray = await shapeFromDatabase(client);
      const declared = await shapeFromPrismaSchema(schemaText);
      expect(withStray.views).not.toEqual(declared.views);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  // The comparison must catch a schema edited without a migration, in each dimension.
  it.each([
    [
      'a new column',
      (s: string) => s.replace('  name         String\n', '  name         String\n  nickname     String?\n'),
      'columns',
    ],
    ['a nullability change', (s: string) => s.replace('  city      String?', '  city      String'), 'columns'],
    ['a type change', (s: string) => s.replace('  size              Int', '  size              BigInt'), 'columns'],
    [
      'a default change',
      (s: string) => s.replace('role         Role     @default(GUEST)', 'role         Role     @default(OWNER)'),
      'columns',
    ],
    [
      'a dropped index',
      (s: string) =>
        s.replace(
          '  @@index([propertyId])\n  @@index([createdAt])\n  @@map("messages")',
          '  @@index([propertyId])\n  @@map("messages")',
        ),
      'indexes',
    ],
    [
      'a new unique',
      (s: string) =>
        s.replace(
          '  @@index([ownerId])\n  @@map("properties")',
          '  @@index([ownerId])\n  @@unique([ownerId, name])\n  @@map("properties")',
        ),
      'indexes',
    ],
    [
      'a changed onDelete',
      (s: string) =>
        s.replace(
          '@relation(fields: [ownerId], references: [id], onDelete: Cascade)\n  chats ',
          '@relation(fields: [ownerId], references: [id], onDelete: Restrict)\n  chats ',
        ),
      'foreignKeys',
    ],
    ['a renamed table', (s: string) => s.replace('@@map("audit_logs")', '@@map("audit_log")'), 'tables'],
    ['a new enum value', (s: string) => s.replace('  OWNER\n', '  OWNER\n  ADMIN\n'), 'enums'],
  ] as const)('detects %s made in schema.prisma without a migration', async (_what, edit, part) => {
    const edited = edit(schemaText);
    expect(edited).not.toBe(schemaText);
    const declared = await shapeFromPrismaSchema(edited);
    expect(declared[part]).not.toEqual(migrated[part]);
  });
});
