/**
 * Translates a QueryJS query (what the official SDK hands its store's read/del) into our
 * StoreQuery. The SDK builds its internal queries from `function` sources such as
 * `this.tableName === tableName && this.itemId === itemId` or `this.id > lastProcessedOperationId`;
 * comparisons of a column with a value, and/or/not, and boolean columns are supported. Anything
 * else (string functions, arithmetic, literal OData strings) is refused with a clear error rather
 * than answered wrongly.
 */
import azureMobileAppsClient from 'azure-mobile-apps-client';
import type { FieldOperators, OrderBy, StoreQuery, Where } from '../../../main/store/types';
import { SdkAdapterError } from './errors';
import type { BinaryOperator, QueryComponents, QueryExpression } from './sdk-types';

type Row = Record<string, unknown>;
type Operators = FieldOperators<unknown>;
type Comparison = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** A conjunction of per-column operators, plus alternatives that must also hold (any one of them). */
interface Condition {
  fields: Record<string, Operators>;
  anyOf?: Condition[];
}

/** Resolves an SDK member name to our store column and converts a compared value to its type. */
export interface ColumnResolver {
  storeColumn(member: string): string;
  storeValue(member: string, value: unknown): unknown;
  isBoolean(member: string): boolean;
}

const expressions = azureMobileAppsClient.Query.Expressions;

const comparisonOf: Partial<Record<BinaryOperator, Comparison>> = {
  Equal: 'eq',
  NotEqual: 'ne',
  LessThan: 'lt',
  LessThanOrEqual: 'le',
  GreaterThan: 'gt',
  GreaterThanOrEqual: 'ge',
};

const negationOf: Record<Comparison, Comparison> = {
  eq: 'ne',
  ne: 'eq',
  lt: 'ge',
  le: 'gt',
  gt: 'le',
  ge: 'lt',
};
/** `5 < this.x` is `this.x > 5`. */
const mirrorOf: Record<Comparison, Comparison> = {
  eq: 'eq',
  ne: 'ne',
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
};

export function translateQuery(components: QueryComponents, columns: ColumnResolver): StoreQuery<Row> {
  const query: StoreQuery<Row> = {};
  if (components.filters) {
    const where = toWhere(toCondition(components.filters, false, columns));
    if (where) query.where = where;
  }
  if (components.orderClauses.length > 0) {
    query.orderBy = components.orderClauses.map((clause): OrderBy<Row> => ({
      column: columns.storeColumn(clause.name),
      direction: clause.ascending ? 'asc' : 'desc',
    }));
  }
  if (components.skip !== null && components.skip !== undefined) query.skip = components.skip;
  if (components.take !== null && components.take !== undefined) query.take = components.take;
  if (components.includeTotalCount) query.includeTotal = true;
  return query;
}

function toCondition(node: QueryExpression, negated: boolean, columns: ColumnResolver): Condition {
  if (node instanceof expressions.BinaryExpression) {
    if (node.operator === 'And' || node.operator === 'Or') {
      const left = toCondition(node.left, negated, columns);
      const right = toCondition(node.right, negated, columns);
      // De Morgan: not (a and b) is (not a) or (not b).
      return (node.operator === 'And') !== negated ? and(left, right) : or(left, right);
    }
    const comparison = comparisonOf[node.operator];
    if (!comparison) throw unsupported(`the ${node.operator} operator`);
    return compare(node.left, node.right, negated ? negationOf[comparison] : comparison, columns);
  }
  if (node instanceof expressions.UnaryExpression) {
    if (node.operator !== 'Not') throw unsupported(`the ${node.operator} operator`);
    return toCondition(node.operand, !negated, columns);
  }
  if (node instanceof expressions.MemberExpression) {
    // A bare boolean column: `this.complete` or `!this.complete`.
    if (!columns.isBoolean(node.member))
      throw unsupported(`the non-boolean column ${node.member} used as a condition`);
    return {
      fields: { [columns.storeColumn(node.member)]: { eq: columns.storeValue(node.member, !negated) } },
    };
  }
  if (node instanceof expressions.InvocationExpression) throw unsupported(`the ${node.method} function`);
  if (node instanceof expressions.LiteralExpression)
    throw unsupported(`a literal filter ("${node.queryString}")`);
  throw unsupported('a filter that is not a comparison of a column with a value');
}

function compare(
  left: QueryExpression,
  right: QueryExpression,
  comparison: Comparison,
  columns: ColumnResolver,
): Condition {
  let member: string;
  let value: unknown;
  if (left instanceof expressions.MemberExpression && right instanceof expressions.ConstantExpression) {
    member = left.member;
    value = right.value;
  } else if (
    left instanceof expressions.ConstantExpression &&
    right instanceof expressions.MemberExpression
  ) {
    member = right.member;
    value = left.value;
    comparison = mirrorOf[comparison];
  } else {
    throw unsupported('a comparison that is not between a column and a value');
  }
  if ((value === null || value === undefined) && comparison !== 'eq' && comparison !== 'ne') {
    throw unsupported(`an ordering comparison of ${member} with null`);
  }
  const storeValue = value === null || value === undefined ? null : columns.storeValue(member, value);
  return { fields: { [columns.storeColumn(member)]: { [comparison]: storeValue } } };
}

function and(a: Condition, b: Condition): Condition {
  const fields: Record<string, Operators> = { ...a.fields };
  const alternatives: Condition[][] = [];
  if (a.anyOf) alternatives.push(a.anyOf);
  if (b.anyOf) alternatives.push(b.anyOf);
  for (const [column, operators] of Object.entries(b.fields)) {
    const existing = fields[column];
    if (!existing) {
      fields[column] = operators;
      continue;
    }
    const overlapping = Object.keys(operators).some((key) => key in existing);
    if (overlapping) {
      // The same operator twice on one column (a = 1 and a = 2): keep it as a separate group.
      alternatives.push([{ fields: { [column]: operators } }]);
    } else {
      fields[column] = { ...existing, ...operators };
    }
  }
  if (alternatives.length === 0) return { fields };
  // (a1 or a2) and (b1 or b2) is (a1 and b1) or (a1 and b2) or (a2 and b1) or (a2 and b2).
  const anyOf = alternatives.reduce((accumulated, group) =>
    accumulated.flatMap((left) => group.map((right) => and(left, right))),
  );
  return { fields, anyOf };
}

function or(a: Condition, b: Condition): Condition {
  if (isAlwaysTrue(a) || isAlwaysTrue(b)) return { fields: {} };
  return { fields: {}, anyOf: [...alternativesOf(a), ...alternativesOf(b)] };
}

function alternativesOf(condition: Condition): Condition[] {
  return Object.keys(condition.fields).length === 0 && condition.anyOf ? condition.anyOf : [condition];
}

function isAlwaysTrue(condition: Condition): boolean {
  return Object.keys(condition.fields).length === 0 && !condition.anyOf;
}

function toWhere(condition: Condition): Where<Row> | undefined {
  if (isAlwaysTrue(condition)) return undefined;
  const where: Where<Row> = { ...condition.fields };
  if (condition.anyOf) where.$or = condition.anyOf.map((alternative) => toWhere(alternative) ?? {});
  return where;
}

function unsupported(what: string): SdkAdapterError {
  return new SdkAdapterError(
    'unsupported-query',
    `The store adapter cannot translate ${what} of an SDK query.`,
  );
}
