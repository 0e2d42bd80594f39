/**
 * The lab's image step (examples/lab-images.ts): on the local cloud without
 * the container driver nothing is built (the process driver's images serve
 * the lab); with `lab.buildImages` and a real engine, Task 5.2's invsys
 * v2.0.0 is built with the version baked in and pushed to the local ECR.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { ensureOfflineNodeImage, type ContainerEngine } from '../../src/containers/index.js';
import { pushLabImage } from '../../examples/lab-images.ts';
import { engineSkip, realEngine } from '../containers/helpers.js';
import { openLocalLab } from './local-lab.js';

test('on the local cloud without the container driver, the lab builds nothing and needs no engine', async () => {
  const { lab, target, output } = await openLocalLab();
  try {
    assert.equal(await pushLabImage(lab, 'invsys', 'v2.0.0', '2.0.0'), undefined);
    assert.match(output.join(''), /not building flask-inventory\/invsys:v2.0.0 \(the local cloud's process driver runs its built-in images\)/);
  } finally {
    await target.close();
  }
});

const built = existsSync(new URL('../../dist/apps/inventory.js', import.meta.url)) ? false : 'no build output: run npm run build first';

describe("Task 5.2's image with a real engine", { skip: (await engineSkip()) || built }, () => {
  const saved = process.env['ECSKIT_NODE_IMAGE'];
  before(async () => {
    const engine = (await realEngine()) as ContainerEngine;
    process.env['ECSKIT_NODE_IMAGE'] = (await ensureOfflineNodeImage({ engine })).image;
  });
  after(() => {
    if (saved === undefined) delete process.env['ECSKIT_NODE_IMAGE'];
    else process.env['ECSKIT_NODE_IMAGE'] = saved;
  });

  test('with lab.buildImages, invsys v2.0.0 is built (APP_VERSION=2.0.0 baked in) and pushed to the local ECR', { timeout: 300_000 }, async () => {
    const { lab, target } = await openLocalLab();
    try {
      lab.buildImages = true;
      const result = await pushLabImage(lab, 'invsys', 'v2.0.0', '2.0.0');
      assert.ok(result);
      assert.equal(result.imageUri, `${target.local!.accountId}.dkr.ecr.${target.region}.amazonaws.com/flask-inventory/invsys:v2.0.0`);
      const engine = (await realEngine()) as ContainerEngine;
      const { stdout } = await engine.exec(['image', 'inspect', '--format', '{{index .Config.Labels "org.opencontainers.image.version"}} {{range .Config.Env}}{{.}} {{end}}', result.built.image]);
      assert.match(stdout, /^2\.0\.0 .*APP_VERSION=2\.0\.0/);
      const described = await lab.clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'flask-inventory/invsys' }));
      assert.deepEqual(described.imageDetails!.map((d) => d.imageTags), [['v2.0.0']]);
      await engine.exec(['rmi', result.pushedAs, result.built.image]).catch(() => {});
    } finally {
      await target.close();
    }
  });
});
