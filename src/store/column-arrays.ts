import { sql, type RawBuilder } from 'kysely'

/** A column's PostgreSQL type, for the array its values travel in. */
export type ColumnArrayType = 'text' | 'integer' | 'boolean' | 'date' | 'numeric'

/**
 * A table's columns with their types, checked complete against its row type: a column a
 * migration adds and the list forgets is a compile error, not a column left null.
 */
export function everyColumn<Row> () {
  return <const Columns extends ReadonlyArray<readonly [keyof Row & string, ColumnArrayType]>>(
    columns: Columns & (Exclude<keyof Row, Columns[number][0]> extends never ? unknown : { missing: Exclude<keyof Row, Columns[number][0]> })
  ): Columns => columns
}

/**
 * Rows as one typed array per column, `select * from unnest($1::text[], $2::date[], …)`,
 * for `insert into t (columns) <this>`: a batch of thousands of rows is as many
 * parameters as it has columns, and PostgreSQL reads arrays faster than it parses the
 * same rows as one JSON document (scripts/bench/hr-import.ts). Column names come from
 * the caller's code, never from input.
 */
export function unnestRows<Row> (rows: readonly Row[], columns: ReadonlyArray<readonly [keyof Row & string, ColumnArrayType]>): { names: RawBuilder<unknown>, select: RawBuilder<unknown> } {
  const names = sql.join(columns.map(([name]) => sql.ref(name)))
  const arrays = columns.map(([name, type]) => sql`${rows.map((row) => row[name] ?? null)}::${sql.raw(type)}[]`)
  return { names: sql`(${names})`, select: sql`select * from unnest(${sql.join(arrays)})` }
}
