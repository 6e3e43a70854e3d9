// The shape of a database schema as sorted, comparable lines: tables, columns (type,
// nullability, default), enums, primary keys, uniques, indexes, foreign keys and views. Built twice:
// from what Prisma itself parses out of schema.prisma (its DMMF, computed offline by the wasm
// schema parser, no engine) and from a migrated PostgreSQL catalog. The drift test compares
// the two, so schema.prisma and prisma/migrations can never disagree silently.
import internals from '@prisma/internals';
import type pg from 'pg';

export interface SchemaShape {
  tables: string[];
  columns: string[];
  enums: string[];
  indexes: string[];
  foreignKeys: string[];
  views: string[];
}

/** Objects the migrations create that schema.prisma cannot express, as `indexes` lines. */
export const SQL_ONLY_INDEXES = [
  'messages idx_messages_unread (recipient_id, chat_id) WHERE (read_at IS NULL)',
  'messages idx_messages_changes (chat_id, change_seq) WHERE (change_seq IS NOT NULL)',
  'archived_messages idx_archived_messages_changes (chat_id, change_seq) WHERE (change_seq IS NOT NULL)',
  // Search (lib/chat/search.ts): GIN over the members and the text's trigrams.
  'messages idx_messages_search INDEX ((ARRAY[sender_id, recipient_id]), search_key(content))',
  'archived_messages idx_archived_messages_search INDEX ((ARRAY[sender_id, recipient_id]), search_key(content))',
  "scheduled_messages idx_scheduled_messages_due (send_at) WHERE (status = 'pending'::scheduled_message_status)",
  // Unread-message emails (lib/notifications/unread-emails.ts): the due scan reads only bursts waiting.
  'unread_email_state idx_unread_email_pending (pending_since) WHERE (pending_since IS NOT NULL)',
];

/**
 * Views the migrations create, by name: schema.prisma declares none (Prisma's `view` blocks are a
 * preview feature). chat_messages is the one read path over live and archived messages
 * (lib/chat/message-store.ts); lib/chat/message-store.test.ts checks it has every messages column.
 */
export const SQL_ONLY_VIEWS = ['chat_messages'];

const PG_NAME_LIMIT = 63;

type DmmfDocument = Awaited<ReturnType<typeof internals.getDMMF>>;
type DmmfModel = DmmfDocument['datamodel']['models'][number];
type DmmfField = DmmfModel['fields'][number];

export async function shapeFromPrismaSchema(datamodel: string): Promise<SchemaShape> {
  const dmmf = await internals.getDMMF({ datamodel });
  const { models, enums, indexes } = dmmf.datamodel;
  const enumDbName = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));
  const modelByName = new Map(models.map((m) => [m.name, m]));
  const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
  const columnOf = (m: DmmfModel, fieldName: string) => {
    const field = m.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`${m.name}.${fieldName} is not a field`);
    return field.dbName ?? field.name;
  };
  const shape: SchemaShape = { tables: [], columns: [], enums: [], indexes: [], foreignKeys: [], views: [] };

  for (const e of enums) {
    shape.enums.push(`${e.dbName ?? e.name}: ${e.values.map((v) => v.dbName ?? v.name).join(', ')}`);
  }
  for (const model of models) {
    const table = tableOf(model);
    shape.tables.push(table);
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (!field.relationFromFields?.length) continue;
        const target = modelByName.get(field.type)!;
        const from = field.relationFromFields.map((f) => columnOf(model, f));
        const to = (field.relationToFields ?? []).map((f) => columnOf(target, f));
        const name = truncate(`${table}_${from.join('_')}_fkey`);
        const optional = field.relationFromFields.some((f) => !model.fields.find((x) => x.name === f)!.isRequired);
        const onDelete = field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict');
        const onUpdate = field.relationOnUpdate ?? 'Cascade';
        shape.foreignKeys.push(
          `${table} ${name} (${from.join(', ')}) -> ${tableOf(target)} (${to.join(', ')}) ON DELETE ${action(onDelete)} ON UPDATE ${action(onUpdate)}`,
        );
        continue;
      }
      const column = field.dbName ?? field.name;
      const type = columnType(field, enumDbName);
      const nullability = field.isRequired ? 'NOT NULL' : 'NULL';
      const dflt = columnDefault(field, enumDbName);
      shape.columns.push(`${table}.${column} ${type} ${nullability}${dflt ? ` DEFAULT ${dflt}` : ''}`);
    }
  }
  for (const index of indexes) {
    const model = modelByName.get(index.model)!;
    const table = tableOf(model);
    const columns = index.fields.map((f) => columnOf(model, f.name));
    const suffix = { id: 'pkey', unique: 'key', normal: 'idx', fulltext: 'idx' }[index.type];
    const defaultName = index.type === 'id' ? `${table}_pkey` : truncate(`${table}_${columns.join('_')}_${suffix}`);
    const kind = index.type === 'id' ? 'PRIMARY KEY' : index.type === 'unique' ? 'UNIQUE' : 'INDEX';
    shape.indexes.push(`${table} ${index.dbName ?? defaultName} ${kind} (${columns.join(', ')})`);
  }
  shape.indexes.push(...SQL_ONLY_INDEXES);
  shape.views.push(...SQL_ONLY_VIEWS);
  return sortShape(shape);
}

export async function shapeFromDatabase(client: pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = { tables: [], columns: [], enums: [], indexes: [], foreignKeys: [], views: [] };
  const tables = await client.query<{ table: string }>(`
    SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'`);
  shape.tables = tables.rows.map((r) => r.table);
  const views = await client.query<{ view: string }>(`
    SELECT c.relname AS view FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')`);
  shape.views = views.rows.map((r) => r.view);

  const columns = await client.query<{
    table: string;
    column: string;
    type: string;
    notnull: boolean;
    dflt: string | null;
  }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS dflt
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'
      AND a.attnum > 0 AND NOT a.attisdropped`);
  shape.columns = columns.rows.map(
    (r) => `${r.table}.${r.column} ${r.type} ${r.notnull ? 'NOT NULL' : 'NULL'}${r.dflt ? ` DEFAULT ${r.dflt}` : ''}`,
  );

  const enums = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`);
  shape.enums = enums.rows.map((r) => `${r.name}: ${r.labels.join(', ')}`);

  const indexes = await client.query<{
    table: string;
    name: string;
    primary: boolean;
    unique: boolean;
    columns: string[];
    predicate: string | null;
  }>(`
    SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
           -- Each key as the catalog prints it: a column's name, or an expression index's expression.
           array(SELECT CASE WHEN x.indkey[k - 1] = 0 THEN pg_get_indexdef(x.indexrelid, k, true)
                             ELSE (SELECT a.attname::text FROM pg_attribute a
                                   WHERE a.attrelid = t.oid AND a.attnum = x.indkey[k - 1]) END
                 FROM generate_series(1, x.indnkeyatts) k ORDER BY k) AS columns,
           pg_get_expr(x.indpred, x.indrelid) AS predicate
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`);
  shape.indexes = indexes.rows.map((r) => {
    const kind = r.primary ? 'PRIMARY KEY' : r.unique ? 'UNIQUE' : 'INDEX';
    const base = `${r.table} ${r.name} ${kind} (${r.columns.join(', ')})`;
    return r.predicate ? `${r.table} ${r.name} (${r.columns.join(', ')}) WHERE ${r.predicate}` : base;
  });

  const fks = await client.query<{
    table: string;
    name: string;
    columns: string[];
    target: string;
    target_columns: string[];
    del: string;
    upd: string;
  }>(`
    SELECT t.relname AS table, c.conname AS name, f.relname AS target,
           array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS target_columns,
           c.confdeltype AS del, c.confupdtype AS upd
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE c.contype = 'f' AND n.nspname = 'public'`);
  const pgAction: Record<string, string> = {
    a: 'NO ACTION',
    r: 'RESTRICT',
    c: 'CASCADE',
    n: 'SET NULL',
    d: 'SET DEFAULT',
  };
  shape.foreignKeys = fks.rows.map(
    (r) =>
      `${r.table} ${r.name} (${r.columns.join(', ')}) -> ${r.target} (${r.target_columns.join(', ')}) ON DELETE ${pgAction[r.del]} ON UPDATE ${pgAction[r.upd]}`,
  );
  return sortShape(shape);
}

function columnType(field: DmmfField, enumDbName: Map<string, string>): string {
  if (field.kind === 'enum') return quoteIfNeeded(enumDbName.get(field.type)!) + (field.isList ? '[]' : '');
  const [nativeName, nativeArgs = []] = (field.nativeType as [string, string[]] | null) ?? [];
  const args = nativeArgs.length ? `(${nativeArgs.join(',')})` : '';
  let type: string;
  switch (`${field.type}:${nativeName ?? ''}`) {
    case 'String:':
    case 'String:Text':
      type = 'text';
      break;
    case 'String:VarChar':
      type = `character varying${args}`;
      break;
    case 'String:Uuid':
      type = 'uuid';
      break;
    case 'Int:':
    case 'Int:Integer':
      type = 'integer';
      break;
    case 'BigInt:':
      type = 'bigint';
      break;
    case 'Boolean:':
      type = 'boolean';
      break;
    case 'Float:':
      type = 'double precision';
      break;
    case 'Json:':
      type = 'jsonb';
      break;
    case 'DateTime:':
      type = 'timestamp(3) without time zone';
      break;
    case 'DateTime:Timestamptz':
      type = `timestamp${args || '(6)'} with time zone`;
      break;
    default:
      throw new Error(`schema-shape does not know ${field.type} @db.${nativeName}: teach it before using that type`);
  }
  return type + (field.isList ? '[]' : '');
}

function columnDefault(field: DmmfField, enumDbName: Map<string, string>): string | null {
  if (!field.hasDefaultValue || field.isUpdatedAt) return null;
  const value = field.default as unknown;
  if (value && typeof value === 'object' && 'name' in value) {
    const { name: fn, args = [] } = value as { name: string; args?: unknown[] };
    if (fn === 'now') return 'CURRENT_TIMESTAMP';
    if (fn === 'cuid' || fn === 'uuid' || fn === 'nanoid' || fn === 'ulid') return null; // generated by the client
    if (fn === 'dbgenerated') return typeof args[0] === 'string' ? args[0] : null;
    throw new Error(`schema-shape does not know the default ${fn}()`);
  }
  if (field.kind === 'enum') return `'${String(value)}'::${quoteIfNeeded(enumDbName.get(field.type)!)}`;
  if (field.type === 'Json') return `'${String(value)}'::jsonb`;
  if (field.type === 'String') return `'${String(value).replaceAll("'", "''")}'::text`;
  return String(value);
}

function action(prismaAction: string): string {
  return {
    Cascade: 'CASCADE',
    Restrict: 'RESTRICT',
    NoAction: 'NO ACTION',
    SetNull: 'SET NULL',
    SetDefault: 'SET DEFAULT',
  }[prismaAction]!;
}

function quoteIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`;
}

function truncate(name: string): string {
  return name.slice(0, PG_NAME_LIMIT);
}

function sortShape(shape: SchemaShape): SchemaShape {
  return {
    tables: [...shape.tables].sort(),
    columns: [...shape.columns].sort(),
    enums: [...shape.enums].sort(),
    indexes: [...shape.indexes].sort(),
    foreignKeys: [...shape.foreignKeys].sort(),
    views: [...shape.views].sort(),
  };
}
