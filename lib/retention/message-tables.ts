// What archiving a message has to move, read from the database catalog rather than kept by
// hand: the columns copied from `messages` to `archived_messages`, and the registry of child
// tables (tables with a foreign key to messages(id)) whose link moves to the archived copy.
// `checkMessageTables` lists every way the schema has outgrown these rules; the archive job
// refuses to run while it reports anything, because each gap would lose data silently (a column
// not copied, or child rows cascaded away or detached when the live row is deleted).
import type pg from 'pg';

/**
 * A child table of messages: `liveColumn` references messages(id), `archivedColumn` references
 * archived_messages(id). Archiving a message moves each child row's link from the first column
 * to the second, before the live row is deleted (an ON DELETE action would fire otherwise).
 */
export interface ChildTable {
  table: string;
  liveColumn: string;
  archivedColumn: string;
}

/** Every child table of messages. A new one (message_edits, reactions…) needs its entry here. */
export const CHILD_TABLES: readonly ChildTable[] = [
  { table: 'files', liveColumn: 'message_id', archivedColumn: 'archived_message_id' },
  { table: 'message_edits', liveColumn: 'message_id', archivedColumn: 'archived_message_id' },
  { table: 'message_reactions', liveColumn: 'message_id', archivedColumn: 'archived_message_id' },
];

export interface MessageTables {
  /** Columns of `messages`, in table order; `archived_messages` has each of them. */
  columns: string[];
  children: readonly ChildTable[];
}

export async function columnsOf(client: pg.ClientBase, relation: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_attribute a
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [`public.${relation}`],
  );
  return rows.map((r) => r.name);
}

/** The (table, column) pairs of every foreign key to messages(id), from pg_constraint. */
export async function childTablesInCatalog(client: pg.ClientBase): Promise<Array<{ table: string; column: string }>> {
  const { rows } = await client.query<{ table: string; column: string }>(
    `SELECT t.relname AS table, a.attname AS column
     FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
     WHERE c.contype = 'f' AND c.confrelid = 'public.messages'::regclass
     ORDER BY 1, 2`,
  );
  return rows;
}

/**
 * Every mismatch between the schema and the archive rules, as readable lines; empty when the
 * archive job may run. Checked: each column of `messages` exists in `archived_messages`, and
 * each foreign key to messages(id) has a CHILD_TABLES entry whose archived column exists.
 */
export async function checkMessageTables(client: pg.ClientBase): Promise<string[]> {
  // One client runs one query at a time: sequential awaits, no Promise.all.
  const live = await columnsOf(client, 'messages');
  const archived = await columnsOf(client, 'archived_messages');
  const children = await childTablesInCatalog(client);
  const problems: string[] = [];
  for (const column of live) {
    if (!archived.includes(column)) problems.push(`messages.${column} has no column in archived_messages`);
  }
  for (const { table, column } of children) {
    const entry = CHILD_TABLES.find((c) => c.table === table && c.liveColumn === column);
    if (!entry) {
      problems.push(`${table}.${column} references messages(id) but has no entry in CHILD_TABLES`);
      continue;
    }
    if (!(await columnsOf(client, table)).includes(entry.archivedColumn)) {
      problems.push(`${table}.${entry.archivedColumn} (CHILD_TABLES) does not exist`);
    }
  }
  return problems;
}

/** The job's rules for this run, computed once at its start; throws if the schema outgrew them. */
export async function loadMessageTables(client: pg.ClientBase): Promise<MessageTables> {
  const problems = await checkMessageTables(client);
  if (problems.length) {
    throw new Error(`archive: the schema has changed in ways archiving would lose data: ${problems.join('; ')}`);
  }
  return { columns: await columnsOf(client, 'messages'), children: CHILD_TABLES };
}

/** A catalog name as a SQL identifier (the names come from pg_attribute, never from users). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
