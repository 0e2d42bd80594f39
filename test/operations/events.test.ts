/**
 * Typed operation events: the log line is rendered from the event, so a
 * consumer reads `action`, `kind` and `name` instead of parsing the line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderOperationEvent, type OperationEvent } from '../../src/operations/index.js';

test('every event renders as the line the operations always logged', () => {
  const cases: [OperationEvent, string][] = [
    [{ action: 'created', kind: 'cluster', name: 'flask-inventory-cluster' }, 'created cluster flask-inventory-cluster'],
    [{ action: 'created', kind: 'security-group', name: 'flask-inventory-ecs-sg', detail: 'sg-0bd9' }, 'created security group flask-inventory-ecs-sg (sg-0bd9)'],
    [{ action: 'created', kind: 'task-definition', name: 'flask-inventory-invsys:1' }, 'registered task definition flask-inventory-invsys:1'],
    [{ action: 'created', kind: 'scalable-target', name: 'service/c/gateway-service', detail: '2–4' }, 'registered scalable target service/c/gateway-service (2–4)'],
    [{ action: 'created', kind: 'listener-rule', name: 'rule 10 of app/alb/1/2' }, 'created listener rule 10 of app/alb/1/2'],
    [{ action: 'created', kind: 'service', name: 'invsys-service', detail: 'deployment ecs-svc/1' }, 'created service invsys-service (deployment ecs-svc/1)'],
    [{ action: 'updated', kind: 'security-group', name: 'sg', change: 'added 2 inbound rule(s)' }, 'security group sg: added 2 inbound rule(s)'],
    [{ action: 'updated', kind: 'target-group', name: 'tg', change: 'health check updated', detail: 'HealthCheckPath' }, 'target group tg: health check updated (HealthCheckPath)'],
    [{ action: 'updated', kind: 'service', name: 'invsys-service', taskDefinition: 'f:2', detail: 'deployment ecs-svc/2' }, 'deploying f:2 to invsys-service (deployment ecs-svc/2)'],
    [{ action: 'updated', kind: 'service', name: 'gateway-service', desiredCount: 4, detail: 'deployment ecs-svc/3' }, 'scaled to 4: gateway-service (deployment ecs-svc/3)'],
    [{ action: 'updated', kind: 'service', name: 'invsys-service' }, 'updated service invsys-service'],
    [{ action: 'updated', kind: 'dashboard', name: 'd', owned: false, detail: 'not tagged with stack s: destroy will leave it' }, 'updated existing dashboard d (not tagged with stack s: destroy will leave it)'],
    [{ action: 'unchanged', kind: 'cluster', name: 'c', owned: false, detail: 'not tagged with stack s: destroy will leave it' }, 'using existing cluster c (not tagged with stack s: destroy will leave it)'],
    [{ action: 'unchanged', kind: 'task-definition', name: 'f:1' }, 'task definition f:1 unchanged'],
    [{ action: 'put', kind: 'scaling-policy', name: 'gateway-cpu', target: 'service/c/gateway-service' }, 'put scaling policy gateway-cpu on service/c/gateway-service'],
    [{ action: 'put', kind: 'alarm', name: 'ecs-gateway-high-cpu' }, 'put alarm ecs-gateway-high-cpu'],
    [{ action: 'removed', kind: 'scaling-policy', name: 'gateway-cpu' }, 'removed: scaling-policy gateway-cpu'],
    [{ action: 'gone', kind: 'load-balancer', name: 'alb' }, 'already gone: load-balancer alb'],
    [{ action: 'planned', kind: 'service', name: 'invsys-service', detail: 'ecs:DeleteService' }, 'would remove service invsys-service: ecs:DeleteService'],
  ];
  for (const [event, line] of cases) assert.equal(renderOperationEvent(event), line);
});
