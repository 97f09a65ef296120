// default-kernels.mjs as a Cloudflare Worker (test/runtimes.test.ts bundles it with the workerd
// condition and serves it in workerd). A Worker cannot read files, so the builds' bytes come as
// data modules, simd.bin and relaxed.bin (descent.wasm and descent-relaxed.wasm).
import { defaultRun } from './default-run.mjs';
import simdBytes from './simd.bin';
import relaxedBytes from './relaxed.bin';

export default {
  async fetch() {
    try {
      const { kernels, losses } = await defaultRun();
      return Response.json({ kernels, compiles: { simd: WebAssembly.validate(simdBytes), relaxed: WebAssembly.validate(relaxedBytes) }, losses });
    } catch (e) {
      return Response.json({ error: { name: e.name, message: e.message } });
    }
  },
};
