/**
 * Cloud Map asynchronous operations: GetOperation, ListOperations. Status
 * is derived from the clock (SUBMITTED → PENDING → SUCCESS over 2 AWS
 * seconds, scaled by the cloud's time scale).
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { matchesCondition, need, page, readFilters } from './common.js';
import { cloudMapState, operationStatus, type OperationRecord } from './state.js';
import { own } from '../../core/util.js';

function updateDate(op: OperationRecord, now: number): number {
  return now >= op.completesAt ? op.completesAt : op.createdAt;
}

export const getOperation: OperationHandler = (input, ctx) => {
  const id = String(need(input.OperationId, 'operationId'));
  const op = own(cloudMapState(ctx.state).operations, id);
  if (!op) throw new AwsError('OperationNotFound', `Operation not found: ${id}`);
  const now = ctx.now().getTime();
  const status = operationStatus(op, now);
  return {
    Operation: {
      Id: op.id,
      Type: op.type,
      Status: status,
      ...(status === 'FAIL' && op.error ? { ErrorCode: op.error.code, ErrorMessage: op.error.message } : {}),
      CreateDate: new Date(op.createdAt),
      UpdateDate: new Date(updateDate(op, now)),
      Targets: { ...op.targets },
    },
  };
};

export const listOperations: OperationHandler = (input, ctx) => {
  const filters = readFilters(input.Filters, {
    NAMESPACE_ID: ['EQ'],
    SERVICE_ID: ['EQ'],
    STATUS: ['EQ', 'IN'],
    TYPE: ['EQ', 'IN'],
    UPDATE_DATE: ['BETWEEN'],
  });
  const now = ctx.now().getTime();
  const items = Object.values(cloudMapState(ctx.state).operations)
    .filter((op) =>
      filters.every((f) => {
        switch (f.name) {
          case 'NAMESPACE_ID':
            return op.targets.NAMESPACE !== undefined && matchesCondition(op.targets.NAMESPACE, f.condition, f.values);
          case 'SERVICE_ID':
            return op.targets.SERVICE !== undefined && matchesCondition(op.targets.SERVICE, f.condition, f.values);
          case 'STATUS':
            return matchesCondition(operationStatus(op, now), f.condition, f.values);
          case 'TYPE':
            return matchesCondition(op.type, f.condition, f.values);
          default: {
            const [from, to] = f.values.map((v) => Number(v) * 1000);
            if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to)) {
              throw new AwsError('InvalidInput', 'UPDATE_DATE with BETWEEN takes two values: start and end in epoch seconds.');
            }
            const at = updateDate(op, now);
            return at >= from && at <= to;
          }
        }
      }),
    )
    .sort((a, b) => b.createdAt - a.createdAt);
  const { page: shown, nextToken } = page(items, input);
  return { Operations: shown.map((op) => ({ Id: op.id, Status: operationStatus(op, now) })), ...(nextToken ? { NextToken: nextToken } : {}) };
};
