/**
 * What a table declaration says about its user columns, without zod: the renderer reads the
 * field names and labels from here, so the IPC schemas (table-zod.ts) stay out of its bundle.
 */
import type { ColumnMap, TableDeclaration } from './table-schema';

/** The user columns of a declaration, in declaration order. */
export function userColumnsOf<C extends ColumnMap>(declaration: TableDeclaration<C>): (keyof C & string)[] {
  return Object.keys(declaration.columns) as (keyof C & string)[];
}

/** Every user column in declaration order, with the label the declaration gives it (else its name). */
export function fieldLabelsOf<C extends ColumnMap>(
  declaration: TableDeclaration<C>,
): { field: keyof C & string; label: string }[] {
  return userColumnsOf(declaration).map((field) => ({
    field,
    label: declaration.columns[field]?.label ?? field,
  }));
}
