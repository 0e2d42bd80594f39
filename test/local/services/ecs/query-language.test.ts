/**
 * ECS's cluster query language (memberOf constraints, ListContainerInstances
 * filters): the documented examples evaluate as documented, and malformed
 * expressions are refused saying what and where.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateQuery, parseQuery, QueryLanguageError, type QueryTarget } from '../../../../src/local/services/ecs/query-language.js';

const instance = (overrides: Partial<QueryTarget> = {}): QueryTarget => ({
  attributes: new Map<string, string | undefined>([
    ['ecs.instance-type', 't2.small'],
    ['ecs.availability-zone', 'us-east-1a'],
    ['stack', 'prod'],
    ['gpu', undefined],
  ]),
  ec2InstanceId: 'i-abcd1234',
  agentConnected: true,
  agentVersion: '1.89.0',
  registeredAt: Date.parse('2018-06-18T22:28:28Z'),
  runningTasksCount: 1,
  taskGroups: ['service:production'],
  ...overrides,
});
const holds = (expression: string, target = instance()) => evaluateQuery(parseQuery(expression), target);

describe('cluster query language', () => {
  it('evaluates the examples of the ECS developer guide', () => {
    assert.equal(holds('attribute:ecs.instance-type == t2.small'), true);
    assert.equal(holds('attribute:ecs.availability-zone in [us-east-1a, us-east-1b]'), true);
    assert.equal(holds('attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d'), false);
    assert.equal(holds('attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d'), true);
    assert.equal(holds('task:group == service:production'), true);
    assert.equal(holds('not(task:group == database)'), true);
    assert.equal(holds('runningTasksCount == 1'), true);
    assert.equal(holds('agentVersion < 1.14.5'), false);
    assert.equal(holds('agentVersion >= 1.14.5'), true);
    assert.equal(holds('registeredAt < 2018-06-19'), true);
    assert.equal(holds('registeredAt > 2018-06-18T22:28:27Z'), true);
    assert.equal(holds("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']"), true);
  });

  it('knows the word operators, exists, not_in and not_matches, and that a missing attribute fails == and != alike', () => {
    assert.equal(holds('attribute:stack equals prod'), true);
    assert.equal(holds('attribute:stack not_equals prod'), false);
    assert.equal(holds('attribute:gpu exists'), true, 'an attribute without a value exists');
    assert.equal(holds('attribute:tier !exists'), true);
    assert.equal(holds('attribute:tier not_exists && attribute:stack exists'), true);
    assert.equal(holds('attribute:tier != prod'), false, 'no tier attribute: not selected by != either');
    assert.equal(holds('attribute:stack !in [dev, test]'), true);
    assert.equal(holds('attribute:stack not_matches pr.*'), false);
    assert.equal(holds('attribute:ecs.instance-type =~ t[23]\\.(small|medium)'), true, 'a regular expression keeps its brackets and parentheses');
    assert.equal(holds('(attribute:ecs.instance-type =~ t2.*)'), true, 'the group closes after the expression');
    assert.equal(holds('attribute:ecs.instance-type =~ t2'), false, 'patterns match the whole value, as Java\'s matches()');
    assert.equal(holds('agentConnected == true'), true);
    assert.equal(holds('agentConnected == true', instance({ agentConnected: false })), false);
  });

  it('binds not tighter than and, and tighter than or; parentheses override', () => {
    assert.equal(holds('attribute:stack == dev or attribute:stack == prod and runningTasksCount == 1'), true);
    assert.equal(holds('(attribute:stack == dev or attribute:stack == prod) and runningTasksCount == 2'), false);
    assert.equal(holds('! attribute:stack == dev and attribute:stack == prod'), true);
    assert.equal(holds('!(attribute:stack == dev || attribute:stack == prod)'), false);
  });

  it('refuses malformed expressions, naming the problem', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['   ', /empty/],
      ['attribute:stack', /an operator must follow 'attribute:stack'/],
      ['attribute:stack ==', /needs an argument/],
      ['attribute:stack == prod and', /ends where a subject was expected/],
      ['stack == prod', /unknown subject 'stack'/],
      ['attribute: == x', /not a valid attribute name/],
      ['attribute:bad%name == x', /unknown subject|not a valid attribute name/],
      ['attribute:a in x', /take a list/],
      ['attribute:a in []', /must not be empty/],
      ['attribute:a in [x, y', /missing '\]'/],
      ['(attribute:a == b', /missing '\)'/],
      ['attribute:a == b)', /unexpected '\)'/],
      ['attribute:a == b c', /unknown subject 'c'|unexpected/],
      ['attribute:a =~ (', /not a valid regular expression/],
      ["attribute:a == 'unterminated", /unterminated quote/],
      ['ec2InstanceId > i-1', /not a valid operator for ec2InstanceId/],
      ['runningTasksCount == some', /whole number/],
      ['registeredAt < yesterday', /not a valid date/],
      [`attribute:a == ${'b'.repeat(2000)}`, /maximum is 2000/],
    ];
    for (const [expression, message] of cases) {
      assert.throws(() => parseQuery(expression), (e: unknown) => e instanceof QueryLanguageError && message.test(e.message), JSON.stringify(expression.slice(0, 40)));
    }
  });
});
