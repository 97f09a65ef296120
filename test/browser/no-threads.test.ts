// Without `import 'descent/threads'`, a browser app has no threaded kernels (a bundler then ships
// only the single-threaded builds): asking for threads trains on one thread and says how to get
// them, and loading the threaded module directly is a StateError that says the same.
import { expect, it } from 'vitest';
import { createNetwork, loadThreadsModule } from '../../dist/browser.js';

it("threads: 2 without descent/threads: one thread, and a warning naming the import", async () => {
  const warnings: string[] = [];
  const net = await createNetwork({ inputs: 2, layers: [{ units: 3 }], loss: 'mse' }, { threads: 2, onWarning: (m) => warnings.push(m) });
  expect(net.threads).toBe(1);
  expect(warnings).toEqual([expect.stringMatching(/threads: 2 is not available here \(the threaded kernels are not part of this app: import 'descent\/threads' once/)]);
  net.dispose();
  await expect(loadThreadsModule()).rejects.toMatchObject({ name: 'StateError', path: 'threads', message: expect.stringMatching(/import 'descent\/threads'/) });
});
