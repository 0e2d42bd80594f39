/**
 * HTML building for the console: escaping, the page shell, state words.
 *
 * @internal
 */

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tagged template: interpolations are escaped unless wrapped with {@link raw}. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Raw(out);
}

/** Already-safe HTML. */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** Marks a string as safe HTML (only for markup this module or marked produced). */
export const raw = (text: string) => new Raw(text);

function render(v: unknown): string {
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(v);
}

/**
 * A state word with a class for colour: the word itself always carries the
 * meaning (readable without colour); the class only repeats it.
 */
export function badge(state: string | undefined | null): Raw {
  const word = state || 'UNKNOWN';
  const tone =
    /^(HEALTHY|healthy|RUNNING|ACTIVE|COMPLETED|OK|Successful|PRIMARY)$/.test(word) ? 'good'
    : /^(UNHEALTHY|unhealthy|STOPPED|FAILED|ALARM|Failed|DRAINING|draining|unavailable|INACTIVE)$/.test(word) ? 'bad'
    : /^(PENDING|PROVISIONING|ACTIVATING|IN_PROGRESS|initial|DEPROVISIONING|STOPPING|DEACTIVATING|InProgress|Pending|INSUFFICIENT_DATA|UNKNOWN|unused)$/.test(word) ? 'warn'
    : 'plain';
  return html`<span class="state state-${tone}">${word}</span>`;
}

/** `2026-12-06 18:20:44` (UTC) from a Date, ISO string or epoch; empty for none. */
export function time(value: unknown): Raw {
  if (value === undefined || value === null || value === '') return raw('');
  const d = value instanceof Date ? value : new Date(typeof value === 'number' && value < 1e12 ? value * 1000 : (value as string | number));
  if (Number.isNaN(d.getTime())) return raw('');
  const iso = d.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')}</time>`;
}

/** The page shell: header with navigation, the live `<main>`, the scripts. */
export function page(options: { title: string; base: string; body: Raw; nav: 'overview' | 'dashboards' | 'logs' | 'task'; live: boolean; status?: number }): string {
  const { base } = options;
  const link = (href: string, text: string, key: string) => html`<a href="${href}"${raw(options.nav === key ? ' aria-current="page"' : '')}>${text}</a>`;
  return (
    '<!doctype html>\n' +
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · ecskit console</title>
<link rel="stylesheet" href="${base}/assets/uPlot.min.css">
<link rel="stylesheet" href="${base}/assets/console.css">
<script src="${base}/assets/uPlot.iife.min.js" defer></script>
<script src="${base}/assets/console.js" defer></script>
</head>
<body data-live="${options.live ? 'on' : 'off'}" data-base="${base}">
<header class="top">
<p class="brand"><a href="${base}">ecskit console</a></p>
<nav aria-label="Console sections">${link(base, 'Overview', 'overview')} ${link(`${base}/dashboards`, 'Dashboards', 'dashboards')} ${link(`${base}/logs`, 'Logs', 'logs')}</nav>
<p class="live" role="status" id="live-status">${options.live ? 'Live: updates as the cloud changes.' : ''}</p>
</header>
<main id="main">${options.body}</main>
</body>
</html>
`.html
  );
}

/** An error page body: a heading, what went wrong, and what to do. */
export function errorBody(heading: string, message: string, hint: Raw | string = ''): Raw {
  return html`<section class="error" role="alert"><h1>${heading}</h1><p>${message}</p>${hint ? html`<p>${hint}</p>` : ''}</section>`;
}
