/**
 * IPC schemas derived from a table declaration, so that a new column reaches the contract
 * without restating it: each declared column gets a schema from its kind and nullability,
 * unless the contract gives it a stricter one (trimmed text, a length limit, a date format).
 */
import { z } from 'zod';
import { userColumnsOf } from './table-fields';
import type { ColumnMap, ColumnsOf, TableDeclaration } from './table-schema';

// Defined without zod so the renderer can read the columns; re-exported for main and the contract.
export { userColumnsOf };

type FieldSchemas<D extends TableDeclaration> = {
  [K in keyof D['columns']]: z.ZodType<ColumnsOf<D>[K]>;
};

const MAX_PLAIN_TEXT = 10_000;

/** A Date crosses IPC as a Date (structured clone), the harness's JSON as an ISO string. */
const dateValue = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), 'Not a valid date');

function schemaOfKind(kind: string): z.ZodType {
  switch (kind) {
    case 'string':
      return z.string().max(MAX_PLAIN_TEXT);
    case 'boolean':
      return z.boolean();
    case 'integer':
      return z.int();
    case 'real':
      return z.number().finite();
    case 'date':
      return dateValue;
    default:
      return z.json();
  }
}

/**
 * One schema per user column: `overrides` where given, otherwise from the column's kind
 * (nullable columns accept null).
 */
export function fieldSchemasOf<D extends TableDeclaration>(
  declaration: D,
  overrides: Partial<FieldSchemas<D>> = {},
): FieldSchemas<D> {
  const schemas: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(declaration.columns)) {
    const override = (overrides as Record<string, z.ZodType | undefined>)[name];
    const base = override ?? schemaOfKind(spec.kind);
    schemas[name] = override || !spec.nullable ? base : base.nullable();
  }
  return schemas as FieldSchemas<D>;
}

/** "Keep mine or the server's" for every user column of a declaration. */
export function fieldChoicesSchemaOf<C extends ColumnMap>(declaration: TableDeclaration<C>) {
  const side = z.enum(['mine', 'server']);
  const shape = Object.fromEntries(userColumnsOf(declaration).map((name) => [name, side])) as {
    [K in keyof C]: typeof side;
  };
  return z.strictObject(shape);
}
