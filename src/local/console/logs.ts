/**
 * The console's log tail: a group's (or one stream's) newest events through
 * FilterLogEvents, with a filter pattern; the page refreshes it live.
 *
 * @internal
 */
import { AwsError } from '../core/types.js';
import { errorBody, html, raw, time, type Raw } from './html.js';
import type { Invoke } from './overview.js';

const MAX_LINES = 300;
const SINCE: Record<string, number> = { '5m': 300, '15m': 900, '1h': 3600, '6h': 21600, '1d': 86400 };

/** The logs page: the list of groups, or the tail of one group; an error body for an unknown group or a bad pattern. */
export async function logsBody(invoke: Invoke, base: string, query: { group?: string; stream?: string; filter?: string; since?: string }): Promise<{ body: Raw; status: number }> {
  const groups: any[] = (await invoke('logs', 'DescribeLogGroups', {})).logGroups ?? [];
  if (!query.group) {
    return {
      status: 200,
      body: html`<h1>Log groups</h1>${groups.length ? html`<ul>${groups.map((g) => html`<li><a href="${base}/logs?group=${encodeURIComponent(g.logGroupName)}">${g.logGroupName}</a> (${g.storedBytes ?? 0} bytes)</li>`)}</ul>` : html`<p>No log groups yet.</p>`}`,
    };
  }
  const group = query.group;
  if (!groups.some((g) => g.logGroupName === group)) {
    return {
      status: 404,
      body: errorBody('Log group not found', `There is no log group ${group} in this region.`, html`Pick one of the <a href="${base}/logs">log groups</a>.`),
    };
  }
  const sinceKey = query.since && SINCE[query.since] ? query.since : '1h';
  const startTime = Date.now() - SINCE[sinceKey]! * 1000;
  let events: any[] = [];
  let problem: string | undefined;
  try {
    let nextToken: string | undefined;
    do {
      const page = await invoke('logs', 'FilterLogEvents', {
        logGroupName: group,
        startTime,
        ...(query.filter ? { filterPattern: query.filter } : {}),
        ...(query.stream ? { logStreamNames: [query.stream] } : {}),
        ...(nextToken ? { nextToken } : {}),
      });
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
      if (events.length > 20 * MAX_LINES) break;
    } while (nextToken);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    problem = error.message;
  }
  events = events.sort((a, b) => a.timestamp - b.timestamp || String(a.eventId).localeCompare(String(b.eventId))).slice(-MAX_LINES);
  const form = html`<form class="log-filter" method="get" action="${base}/logs" role="search">
<input type="hidden" name="group" value="${group}">
${query.stream ? html`<input type="hidden" name="stream" value="${query.stream}">` : ''}
<label>Filter pattern <input name="filter" value="${query.filter ?? ''}" placeholder="ERROR or &quot;GET /items&quot;"></label>
<label>Since <select name="since">${Object.keys(SINCE).map((k) => html`<option${raw(k === sinceKey ? ' selected' : '')}>${k}</option>`)}</select></label>
<button type="submit">Apply</button></form>`;
  return {
    status: problem ? 400 : 200,
    body: html`<h1>Logs of ${group}</h1>
${query.stream ? html`<p>Stream ${query.stream} (<a href="${base}/logs?group=${encodeURIComponent(group)}">all streams</a>)</p>` : ''}
${form}
${problem ? errorBody('The filter was refused', problem, 'Fix the filter pattern (CloudWatch Logs filter syntax, e.g. ERROR, "GET /items", ?ERROR ?WARN).') : ''}
<p class="count">${events.length} line${events.length === 1 ? '' : 's'} (newest last, at most ${MAX_LINES}).</p>
<ol class="log-lines" data-log-lines="${events.length}">${events.map((e) => html`<li data-event="${e.eventId}">${time(e.timestamp)} <span class="stream">${e.logStreamName}</span> <span class="message">${e.message}</span></li>`)}</ol>`,
  };
}
