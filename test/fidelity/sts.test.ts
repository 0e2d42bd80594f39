import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFidelity, type Fidelity, type FidelityCase } from './harness.js';

/** The parsed XML without its `<?xml …?>` declaration (which moto leaves out and AWS sends). */
function withoutDeclaration(xml: Record<string, unknown>) {
  const { '?xml': _declaration, ...rest } = xml;
  return rest;
}

const cases: FidelityCase[] = [{ name: 'sts GetCallerIdentity', call: async (s) => withoutDeclaration((await s.query('sts', 'GetCallerIdentity')).xml) }];

describe('fidelity: STS against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('GetCallerIdentity answers with the same XML shape as moto', async () => {
    const report = await h.compare(cases);
    assert.deepEqual(report.unexpected, []);
  });
});
