/**
 * XML writer for the Query and EC2 protocols: handler output (plain objects,
 * arrays, strings, numbers, booleans, `Date`s) to AWS's XML shapes.
 *
 * Rules: an object becomes one child element per key (keys are wire names);
 * an array becomes one `<member>` (Query) or `<item>` (EC2) child per
 * element; `Date` → ISO 8601; booleans → `true`/`false`; `null`/`undefined`
 * are omitted. Text is XML-escaped and characters XML 1.0 cannot carry are
 * dropped, so the document is always well-formed.
 *
 * @internal
 */

/** Escapes text for an XML element or attribute and drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Formats a scalar for XML text. */
export function scalarText(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * Serialises `value` as the content of an element (without the element itself).
 * `listItem` is the element name used for array entries (`member` or `item`).
 */
export function toXmlContent(value: unknown, listItem: 'member' | 'item'): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    return value
      .filter((v) => v !== null && v !== undefined)
      .map((v) => `<${listItem}>${toXmlContent(v, listItem)}</${listItem}>`)
      .join('');
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    let out = '';
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (child === null || child === undefined || !NAME.test(key)) continue;
      out += `<${key}>${toXmlContent(child, listItem)}</${key}>`;
    }
    return out;
  }
  return escapeXml(scalarText(value));
}
