/**
 * Translation of the Java regular expressions in AWS service models into
 * JavaScript (`u` flag). Java and JavaScript agree on most syntax; this
 * rewrites what differs (`\A`/`\z`, possessive quantifiers, atomic groups,
 * POSIX `\p{Alnum}`-style classes, `\Q…\E`, escapes of plain punctuation
 * that `u` mode rejects) and gives up on what JavaScript cannot express
 * (class intersection `&&`, nested class unions, unknown `\p{…}` names).
 *
 * AWS checks a pattern against the whole value (Java's `matches()`), so
 * {@link compileModelPattern} anchors the translated source.
 *
 * @internal
 */

const POSIX: Readonly<Record<string, string>> = {
  Alnum: 'A-Za-z0-9',
  Alpha: 'A-Za-z',
  Digit: '0-9',
  Upper: 'A-Z',
  Lower: 'a-z',
  Space: ' \\t\\n\\x0B\\f\\r',
  XDigit: '0-9A-Fa-f',
  Punct: '!-\\/:-@\\[-`{-~',
  ASCII: '\\x00-\\x7F',
  Print: '\\x20-\\x7E',
  Graph: '\\x21-\\x7E',
  Cntrl: '\\x00-\\x1F\\x7F',
  Blank: ' \\t',
};

/** Characters JavaScript's `u` mode allows after a backslash as themselves (outside a class). */
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

/** Escapes that mean the same in Java and JavaScript. */
const SAME_ESCAPES = new Set('dDwWsSbBtnrfv0'.split(''));

const escapeLiteral = (c: string, inClass: boolean): string => (SYNTAX.has(c) || (inClass && c === '-') ? `\\${c}` : c);

/** The `\p{…}`/`\P{…}` escape at `i` (pointing at `p`/`P`), translated, and where it ends; undefined if unsupported. */
function propertyEscape(src: string, i: number, inClass: boolean): { out: string; end: number } | undefined {
  const negated = src[i] === 'P';
  let name: string;
  let end: number;
  if (src[i + 1] === '{') {
    const close = src.indexOf('}', i + 2);
    if (close < 0) return undefined;
    name = src.slice(i + 2, close);
    end = close + 1;
  } else {
    name = src[i + 1] ?? '';
    end = i + 2;
  }
  const posix = POSIX[name.replace(/^Is/, '')];
  if (posix !== undefined) {
    if (negated && inClass) return undefined;
    return { out: inClass ? posix : `[${negated ? '^' : ''}${posix}]`, end };
  }
  const general = name.replace(/^Is/, '');
  if (/^(L|Lu|Ll|Lt|Lm|Lo|M|Mn|Mc|Me|N|Nd|Nl|No|P|Pc|Pd|Ps|Pe|Pi|Pf|Po|S|Sm|Sc|Sk|So|Z|Zs|Zl|Zp|C|Cc|Cf|Co|Cn)$/.test(general)) {
    return { out: `\\${negated ? 'P' : 'p'}{${general}}`, end };
  }
  if (/^(Alphabetic|Letter)$/.test(general)) return { out: `\\${negated ? 'P' : 'p'}{L}`, end };
  return undefined;
}

/**
 * Translates a Java pattern to JavaScript source for the `u` flag, or
 * returns `undefined` when JavaScript cannot express it. The result is not
 * anchored.
 */
export function translateJavaPattern(src: string): string | undefined {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return undefined;
      if (n === 'Q') {
        const close = src.indexOf('\\E', i + 2);
        const literal = src.slice(i + 2, close < 0 ? src.length : close);
        out += [...literal].map((ch) => escapeLiteral(ch, inClass)).join('');
        i = close < 0 ? src.length : close + 2;
        continue;
      }
      if (n === 'A') {
        out += '^';
        i += 2;
        continue;
      }
      if (n === 'z' || n === 'Z') {
        out += '$';
        i += 2;
        continue;
      }
      if (n === 'p' || n === 'P') {
        const prop = propertyEscape(src, i + 1, inClass);
        if (!prop) return undefined;
        out += prop.out;
        i = prop.end;
        continue;
      }
      if (n === 'x' || n === 'u') {
        const m = n === 'x' ? /^x(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{2})/.exec(src.slice(i + 1)) : /^u[0-9A-Fa-f]{4}/.exec(src.slice(i + 1));
        if (!m) return undefined;
        out += `\\${m[0]}`;
        i += 1 + m[0].length;
        continue;
      }
      if (SAME_ESCAPES.has(n) && !(inClass && (n === 'b' || n === 'B'))) {
        out += `\\${n}`;
        i += 2;
        continue;
      }
      if (/[A-Za-z0-9]/.test(n)) return undefined; // \h, \R, \k<…>, back-references, …
      out += escapeLiteral(n, inClass);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[') return undefined; // Java class union / nesting
      if (c === '&' && src[i + 1] === '&') return undefined; // class intersection
      if (c === ']') inClass = false;
      out += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i += 1;
      if (src[i] === '^') {
        out += '^';
        i += 1;
      }
      if (src[i] === ']') {
        out += '\\]'; // a leading ] is literal in Java
        i += 1;
      }
      continue;
    }
    if (c === '(' && src.startsWith('(?>', i)) {
      out += '(?:';
      i += 3;
      continue;
    }
    if (c === '(' && src[i + 1] === '?' && /[a-zA-Z]/.test(src[i + 2] ?? '')) return undefined; // inline flags
    if ((c === '*' || c === '+' || c === '?' || c === '}') && src[i + 1] === '+') {
      out += c; // possessive quantifier → greedy (same matches for a whole-value test)
      i += 2;
      continue;
    }
    if (c === '{' && !/^\{\d+(,\d*)?\}/.test(src.slice(i))) {
      out += '\\{';
      i += 1;
      continue;
    }
    if (c === '}' && !/\{\d+(,\d*)?$/.test(src.slice(0, i))) {
      out += '\\}';
      i += 1;
      continue;
    }
    out += c;
    i += 1;
  }
  if (inClass) return undefined;
  return out;
}

/** Compiles translated source as AWS applies it: the whole value must match. Undefined if JavaScript rejects it. */
export function compileModelPattern(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch {
    return undefined;
  }
}
