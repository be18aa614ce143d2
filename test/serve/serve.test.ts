import sharp from 'sharp';
import { expect, it } from 'vitest';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { initBackend } from '../../lib/model/index.js';
import { moveAlias } from '../../lib/registry/aliases.js';
import { startService } from '../../lib/serve/server.js';
import { TrainWorkflow } from '../../workflows/index.js';
import { createDataset, ingestFashion } from '../catalog/helpers.js';
import { withTestWorker } from '../setup/temporal.js';
import { reliability } from '../reliability/tally.js';

interface Answer {
  model: string;
  predictions: { name: string; probability: number; top: unknown[] }[];
}

it('serves predictions, refuses bad input with 400/413/415 and stays up, and swaps models under load without a failed request', async () => {
  await initBackend();
  const fm = findFashionMnist();
  const test = await openIdxPair(fm.testImages, fm.testLabels);
  const png = (i: number) =>
    sharp(test.image(i), { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toBuffer();
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 1200, 'serve');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    const train = (lr: number, id: string) =>
      client.workflow.execute(TrainWorkflow, {
        taskQueue,
        workflowId: `${id}-${taskQueue}`,
        args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1, lr } }],
      });
    const [a, b] = [await train(0.006, 'a'), await train(0.01, 'b')];
    const lake = deps.lakes.open(lakeUri);
    await moveAlias(lake, 'production', a.modelId, 'test');
    const service = await startService({
      lake,
      model: 'production',
      host: '127.0.0.1',
      port: 0,
      pollMs: 50,
      maxBodyBytes: 256 * 1024,
    });
    try {
      const post = (body: Buffer | string, type: string) =>
        fetch(`${service.url}/v1/predict`, { method: 'POST', body, headers: { 'content-type': type } });
      const single = await post(await png(0), 'image/png');
      expect(single.status).toBe(200);
      const answer = (await single.json()) as Answer;
      expect(answer.model).toBe(a.modelId);
      expect(answer.predictions[0]!.top).toHaveLength(3);

      const batch = (await (
        await post(
          JSON.stringify({
            images: [await png(1), await png(2), await png(3)].map((p) => p.toString('base64')),
          }),
          'application/json',
        )
      ).json()) as Answer;
      expect(batch.predictions).toHaveLength(3);
      const boundary = 'xYz';
      const multipart = Buffer.concat([
        ...[await png(4), await png(5)].flatMap((p, i) => [
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"; filename="${i}.png"\r\nContent-Type: image/png\r\n\r\n`,
          ),
          p,
          Buffer.from('\r\n'),
        ]),
        Buffer.from(`--${boundary}--\r\n`),
      ]);
      expect(
        ((await (await post(multipart, `multipart/form-data; boundary=${boundary}`)).json()) as Answer)
          .predictions,
      ).toHaveLength(2);

      const garbage = [
        ['not an image at all', 'image/png', 400],
        ['', 'image/png', 400],
        [Buffer.alloc(300 * 1024, 1), 'image/png', 413],
        ['hello', 'text/plain', 415],
        ['{"images": 3}', 'application/json', 400],
        ['{"images": [', 'application/json', 400],
        ['--x\r\n\r\n', 'multipart/form-data', 400],
      ] as const;
      reliability('bad-input', garbage.length);
      for (const [body, type, status] of garbage) {
        const r = await post(body, type);
        expect(r.status, type).toBe(status);
        expect(((await r.json()) as { error: string }).error).toBeTruthy();
      }
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);

      // Continuous load during two promotions: no failed request, each answer names its model.
      const body = await png(7);
      const seen = new Set<string>();
      let failures = 0;
      let done = 0;
      let loading = true;
      const clients = Array.from({ length: 8 }, async () => {
        while (loading) {
          const r = await post(body, 'image/png').catch(() => undefined);
          if (!r || r.status !== 200) failures++;
          else seen.add(((await r.json()) as Answer).model);
          done++;
        }
      });
      const until = async (id: string) => {
        while (service.slot.modelId !== id) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 300));
      };
      await moveAlias(lake, 'production', b.modelId, 'promotion 1');
      await until(b.modelId);
      await moveAlias(lake, 'production', a.modelId, 'promotion 2');
      await until(a.modelId);
      loading = false;
      await Promise.all(clients);
      expect(failures).toBe(0);
      expect(done).toBeGreaterThan(50);
      expect([...seen].sort()).toEqual([a.modelId, b.modelId].sort());

      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toContain(`imagelake_model_info{model_id="${a.modelId}"} 1`);
      expect(metrics).toMatch(/imagelake_requests_total\{status="200"\} \d+/);
      expect(metrics).toMatch(/imagelake_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
    } finally {
      await service.close();
    }
  });
});
