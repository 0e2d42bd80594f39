/**
 * ECS's cluster query language: the expressions of `memberOf` placement
 * constraints and of ListContainerInstances' `filter`.
 *
 * ```
 * subject operator [argument]
 * attribute:ecs.instance-type =~ t3.* and attribute:ecs.availability-zone != us-east-1d
 * (attribute:stack == prod or ec2InstanceId in [i-0abc…, i-0def…]) and not(task:group == database)
 * ```
 *
 * Subjects: `attribute:<name>`, `ec2InstanceId`, `agentConnected`,
 * `agentVersion`, `registeredAt`, `runningTasksCount`, `task:group`.
 * Operators: `==`/`equals`, `!=`/`not_equals`, `>`/`greater_than`,
 * `>=`/`greater_than_equal`, `<`/`less_than`, `<=`/`less_than_equal`,
 * `exists`, `!exists`/`not_exists`, `in`, `!in`/`not_in` (with
 * `[a, b, …]`), `=~`/`matches`, `!~`/`not_matches` (a Java regular
 * expression matched against the whole value). Compound expressions join
 * with `&&`/`and`, `||`/`or`, `!`/`not`, and parentheses. As on ECS, an
 * attribute comparison needs the attribute: `attribute:stack != prod` does
 * not select instances without a `stack` attribute.
 *
 * @internal
 */
import { compileModelPattern } from '../../models/java-regex.js';
import { own } from '../../core/util.js';

/** Longest expression ECS accepts. */
export const MAX_EXPRESSION_LENGTH = 2000;

/** Why an expression cannot be parsed. */
export class QueryLanguageError extends Error {
  override readonly name = 'QueryLanguageError';
}

/** What an expression is evaluated against: one container instance. */
export interface QueryTarget {
  /** Attribute name → value (`undefined` for an attribute without a value). */
  readonly attributes: ReadonlyMap<string, string | undefined>;
  readonly ec2InstanceId: string;
  readonly agentConnected: boolean;
  readonly agentVersion: string;
  /** Epoch ms. */
  readonly registeredAt: number;
  readonly runningTasksCount: number;
  /** Task groups of the tasks on the instance that are not STOPPED. */
  readonly taskGroups: readonly string[];
}

type Operator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'exists' | '!exists' | 'in' | '!in' | '=~' | '!~';

/** A parsed expression. */
export type QueryNode =
  | { readonly kind: 'and' | 'or'; readonly left: QueryNode; readonly right: QueryNode }
  | { readonly kind: 'not'; readonly operand: QueryNode }
  | { readonly kind: 'compare'; readonly subject: string; readonly operator: Operator; readonly argument?: string; readonly list?: readonly string[]; readonly pattern?: RegExp };

const OPERATOR_WORDS: Record<string, Operator> = {
  '==': '==', equals: '==',
  '!=': '!=', not_equals: '!=',
  '>': '>', greater_than: '>',
  '>=': '>=', greater_than_equal: '>=',
  '<': '<', less_than: '<',
  '<=': '<=', less_than_equal: '<=',
  exists: 'exists', '!exists': '!exists', not_exists: '!exists',
  in: 'in', '!in': '!in', not_in: '!in',
  '=~': '=~', matches: '=~', '!~': '!~', not_matches: '!~',
};

/** Which operators each fixed subject takes (`attribute:*` and `task:group` take all but the ordering ones… and ECS allows those on attributes too). */
const SUBJECT_OPERATORS: Record<string, readonly Operator[]> = {
  agentConnected: ['==', '!=', 'in', '!in', '=~', '!~'],
  ec2InstanceId: ['==', '!=', 'in', '!in', '=~', '!~'],
  agentVersion: ['==', '!=', '>', '>=', '<', '<='],
  registeredAt: ['==', '!=', '>', '>=', '<', '<='],
  runningTasksCount: ['==', '!=', '>', '>=', '<', '<='],
  'task:group': ['==', '!=', 'in', '!in', '=~', '!~', 'exists', '!exists'],
};

type Token = { type: 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'comma' | 'word'; text: string; at: number };

function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const previous = out.at(-1);
    if (previous?.type === 'word' && ['=~', '!~', 'matches', 'not_matches'].includes(previous.text) && c !== "'" && c !== '"') {
      // A regular expression runs to the next blank (it may hold brackets); closing parentheses it does not open end the group around it.
      let run = /^\S+/.exec(source.slice(i))![0];
      const count = (ch: string) => run.split(ch).length - 1;
      while (run.endsWith(')') && count(')') > count('(')) run = run.slice(0, -1);
      out.push({ type: 'word', text: run, at: i });
      i += run.length;
      continue;
    }
    const single: Record<string, Token['type']> = { '(': 'lparen', ')': 'rparen', '[': 'lbracket', ']': 'rbracket', ',': 'comma' };
    if (single[c]) {
      out.push({ type: single[c]!, text: c, at: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new QueryLanguageError(`unterminated quote at position ${i + 1}`);
      out.push({ type: 'word', text: source.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['==', '!=', '>=', '<=', '=~', '!~', '&&', '||'].includes(two)) {
      out.push({ type: 'word', text: two, at: i });
      i += 2;
      continue;
    }
    if (c === '>' || c === '<') {
      out.push({ type: 'word', text: c, at: i });
      i++;
      continue;
    }
    if (c === '!') {
      // `!exists`, `!in` are operators; a lone `!` is "not".
      const word = /^!(exists|in)\b/.exec(source.slice(i));
      if (word) {
        out.push({ type: 'word', text: word[0], at: i });
        i += word[0].length;
      } else {
        out.push({ type: 'word', text: '!', at: i });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < source.length && !/[\s()[\],'"]/.test(source[j]!) && !['==', '!=', '>=', '<=', '=~', '!~', '&&', '||'].includes(source.slice(j, j + 2))) j++;
    if (j === i) throw new QueryLanguageError(`unexpected '${c}' at position ${i + 1}`);
    out.push({ type: 'word', text: source.slice(i, j), at: i });
    i = j;
  }
  return out;
}

class Parser {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): QueryNode {
    if (this.tokens.length === 0) throw new QueryLanguageError('the expression is empty');
    const node = this.or();
    const extra = this.tokens[this.#i];
    if (extra) throw new QueryLanguageError(`unexpected '${extra.text}' at position ${extra.at + 1}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.#i];
  }

  private isWord(...words: string[]): boolean {
    const t = this.peek();
    return t?.type === 'word' && words.includes(t.text);
  }

  private or(): QueryNode {
    return this.chain('or', ['||', 'or'], () => this.and());
  }

  private and(): QueryNode {
    return this.chain('and', ['&&', 'and'], () => this.not());
  }

  /** A left-associative chain of `operand`s joined by any of `words`. */
  private chain(kind: 'and' | 'or', words: readonly string[], operand: () => QueryNode): QueryNode {
    let left = operand();
    while (this.isWord(...words)) {
      this.#i++;
      left = { kind, left, right: operand() };
    }
    return left;
  }

  private not(): QueryNode {
    if (this.isWord('!', 'not')) {
      this.#i++;
      return { kind: 'not', operand: this.not() };
    }
    return this.primary();
  }

  private primary(): QueryNode {
    const t = this.peek();
    if (!t) throw new QueryLanguageError('the expression ends where a subject was expected');
    if (t.type === 'lparen') {
      this.#i++;
      const inner = this.or();
      if (this.peek()?.type !== 'rparen') throw new QueryLanguageError(`missing ')' for the '(' at position ${t.at + 1}`);
      this.#i++;
      return inner;
    }
    if (t.type !== 'word') throw new QueryLanguageError(`unexpected '${t.text}' at position ${t.at + 1}`);
    return this.comparison();
  }

  private comparison(): QueryNode {
    const subjectToken = this.tokens[this.#i++]!;
    const subject = subjectToken.text;
    if (!subject.startsWith('attribute:') && !Object.hasOwn(SUBJECT_OPERATORS, subject)) {
      throw new QueryLanguageError(
        `unknown subject '${subject}' at position ${subjectToken.at + 1} (use attribute:<name>, ec2InstanceId, agentConnected, agentVersion, registeredAt, runningTasksCount or task:group)`,
      );
    }
    if (subject === 'attribute:' || (subject.startsWith('attribute:') && !/^attribute:[A-Za-z0-9_./\\-]{1,128}$/.test(subject))) {
      throw new QueryLanguageError(`'${subject}' is not a valid attribute name (1-128 letters, numbers, hyphens, underscores, slashes, back slashes or periods)`);
    }
    const opToken = this.peek();
    const operator = opToken?.type === 'word' ? own(OPERATOR_WORDS, opToken.text) : undefined;
    if (!operator) throw new QueryLanguageError(`an operator must follow '${subject}'${opToken ? `, got '${opToken.text}' at position ${opToken.at + 1}` : ''}`);
    this.#i++;
    const allowed = SUBJECT_OPERATORS[subject];
    if (allowed && !allowed.includes(operator)) throw new QueryLanguageError(`'${opToken!.text}' is not a valid operator for ${subject} (valid: ${allowed.join(', ')})`);
    if (operator === 'exists' || operator === '!exists') return { kind: 'compare', subject, operator };
    if (operator === 'in' || operator === '!in') return { kind: 'compare', subject, operator, list: this.list() };
    const argToken = this.peek();
    if (argToken?.type !== 'word' || ['and', 'or', '&&', '||'].includes(argToken.text)) {
      throw new QueryLanguageError(`'${opToken!.text}' needs an argument after '${subject}'`);
    }
    this.#i++;
    const argument = argToken.text;
    if (operator === '=~' || operator === '!~') {
      const pattern = compileModelPattern(argument);
      if (!pattern) throw new QueryLanguageError(`'${argument}' is not a valid regular expression`);
      return { kind: 'compare', subject, operator, argument, pattern };
    }
    if (subject === 'registeredAt' && !/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?)?$/.test(argument)) {
      throw new QueryLanguageError(`'${argument}' is not a valid date for registeredAt (2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 or 2018-06-18)`);
    }
    if (subject === 'runningTasksCount' && !/^\d+$/.test(argument)) throw new QueryLanguageError(`runningTasksCount compares with a whole number, got '${argument}'`);
    return { kind: 'compare', subject, operator, argument };
  }

  private list(): string[] {
    const open = this.peek();
    if (open?.type !== 'lbracket') throw new QueryLanguageError(`'in' and 'not_in' take a list: [value1, value2, …]`);
    this.#i++;
    const values: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) throw new QueryLanguageError(`missing ']' for the '[' at position ${open.at + 1}`);
      if (t.type === 'rbracket' && values.length === 0) throw new QueryLanguageError('an argument list must not be empty');
      if (t.type !== 'word') throw new QueryLanguageError(`unexpected '${t.text}' at position ${t.at + 1} in an argument list`);
      values.push(t.text);
      this.#i++;
      const next = this.peek();
      if (next?.type === 'comma') {
        this.#i++;
        continue;
      }
      if (next?.type === 'rbracket') {
        this.#i++;
        return values;
      }
      throw new QueryLanguageError(`missing ']' for the '[' at position ${open.at + 1}`);
    }
  }
}

/** Parses an expression; {@link QueryLanguageError} says what is wrong and where. */
export function parseQuery(source: string): QueryNode {
  if (source.length > MAX_EXPRESSION_LENGTH) throw new QueryLanguageError(`the expression is ${source.length} characters long; the maximum is ${MAX_EXPRESSION_LENGTH}`);
  return new Parser(tokenize(source)).parse();
}

/** Compares dotted versions (`1.14.5` < `1.89.0`). */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number(n) || 0);
  const pb = b.split('.').map((n) => Number(n) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function ordered(cmp: number, operator: Operator): boolean {
  switch (operator) {
    case '==':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    default:
      return cmp <= 0;
  }
}

function compareValue(value: string, node: Extract<QueryNode, { kind: 'compare' }>): boolean {
  switch (node.operator) {
    case '==':
      return value === node.argument;
    case '!=':
      return value !== node.argument;
    case 'in':
      return node.list!.includes(value);
    case '!in':
      return !node.list!.includes(value);
    case '=~':
      return node.pattern!.test(value);
    case '!~':
      return !node.pattern!.test(value);
    default: {
      const a = Number(value);
      const b = Number(node.argument);
      const cmp = Number.isFinite(a) && Number.isFinite(b) ? a - b : value.localeCompare(node.argument ?? '');
      return ordered(cmp, node.operator);
    }
  }
}

/** Whether the target satisfies the expression. */
export function evaluateQuery(node: QueryNode, target: QueryTarget): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateQuery(node.left, target) && evaluateQuery(node.right, target);
    case 'or':
      return evaluateQuery(node.left, target) || evaluateQuery(node.right, target);
    case 'not':
      return !evaluateQuery(node.operand, target);
    case 'compare':
      break;
  }
  const { subject, operator } = node;
  if (subject.startsWith('attribute:')) {
    const name = subject.slice('attribute:'.length);
    const has = target.attributes.has(name);
    if (operator === 'exists') return has;
    if (operator === '!exists') return !has;
    if (!has) return false;
    return compareValue(target.attributes.get(name) ?? '', node);
  }
  switch (subject) {
    case 'ec2InstanceId':
      return compareValue(target.ec2InstanceId, node);
    case 'agentConnected':
      return compareValue(String(target.agentConnected), node);
    case 'agentVersion':
      return ordered(compareVersions(target.agentVersion, node.argument ?? ''), operator);
    case 'runningTasksCount':
      return ordered(target.runningTasksCount - Number(node.argument), operator);
    case 'registeredAt': {
      const arg = node.argument ?? '';
      const when = Date.parse(/T/.test(arg) && !/(Z|[+-]\d{2}:\d{2})$/.test(arg) ? `${arg}Z` : arg);
      // A date alone compares by day.
      const registered = /T/.test(arg) ? target.registeredAt : Date.parse(new Date(target.registeredAt).toISOString().slice(0, 10));
      return ordered(registered - when, operator);
    }
    default: {
      // task:group
      if (operator === 'exists') return target.taskGroups.length > 0;
      if (operator === '!exists') return target.taskGroups.length === 0;
      if (operator === '!=' || operator === '!in' || operator === '!~') return !target.taskGroups.some((g) => !compareValue(g, node));
      return target.taskGroups.some((g) => compareValue(g, node));
    }
  }
}
