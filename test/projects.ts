// Which test files the Node projects of vitest.config.ts run beyond `default`, which runs
// every file. A file is listed by what its outcome can depend on; a file listed nowhere runs in
// `default` only. test/projects.test.ts checks the lists against what the files call, so a new
// file that runs kernels or trains networks cannot stay in `default` alone by oversight.
// An entry ending in '/' is a folder (every *.test.ts in it).

/**
 * Files that run the kernels of the project's variant (test/helpers/wasm.ts, the kernel arena)
 * on modules and networks they build themselves, with thread counts of their own if any: their
 * outcome depends on the variant, but the `threads` project would run them unchanged.
 */
export const KERNEL_FILES = [
  'test/kernels/', // each kernel against the f64 references, release and debug builds
  'test/abi.test.ts', // the module's exports and ABI numbers against the host's
  'test/layers.test.ts', // layer kinds: spec, tensors, and the pass's dispatch on the kernels
  'test/layer-outputs.test.ts', // every layer's output, against an f64 forward
  'test/erf.test.ts', // the kernels' erf against the references
  'test/gradcheck-conv2d.test.ts', // conv networks' gradients: references by finite differences, kernels through a pass
  'test/gradcheck-pool2d.test.ts', // a pooling network's gradients on the kernels vs finite differences
  'test/optimizer-options.test.ts', // resolved options, replayed on the kernels
  'test/replay.test.ts', // the replay format's edges, replayed on the kernels
  'test/surfaces.test.ts', // the loss-surface lab, trained on the kernels
  'test/threads.test.ts', // the variant's threaded twin, at thread counts it sets itself
  'test/threads-conv2d.test.ts', // conv networks on the threaded twin: 2 threads as 1
  'test/threads-update.test.ts', // the threads' shared gradient sum and update against one of each, bit for bit
  'test/variants.test.ts', // kernel selection on the project's engine, every variant's result
  'test/gradcheck-batchnorm.test.ts', // batch norm's gradients through networks (one thread: batch norm refuses more)
  'test/batchnorm-fit.test.ts', // batch norm around the kernels: batches of one row, evaluation mode (one thread)
];

/**
 * Files that train or replay through makeNetwork / replayLikeNetworks / testThreads
 * (test/helpers/network.ts), which split every batch across 2 worker threads in the `threads`
 * project: their outcome depends on the variant and on threading.
 */
export const NETWORK_FILES = [
  'test/allocation.test.ts',
  'test/defects.test.ts',
  'test/diagnostics.test.ts',
  'test/diagnostics-kinds.test.ts',
  'test/fit.test.ts',
  'test/golden.test.ts',
  'test/golden-training.test.ts',
  'test/guard.test.ts',
  'test/histograms.test.ts',
  'test/lrfinder.test.ts',
  'test/measured-update.test.ts',
  'test/memory-plan.test.ts',
  'test/mnist-verdicts.test.ts',
  'test/network.test.ts',
  'test/optimizer-interop.test.ts',
  'test/preflight.test.ts',
  'test/preflight-kinds.test.ts',
  'test/race.test.ts',
  'test/restarts.test.ts',
  'test/resume.test.ts',
  'test/schedule-fit.test.ts',
  'test/shuffle.test.ts',
  'test/trainer.test.ts',
  'test/training-state.test.ts',
  'test/verdicts.test.ts',
];

/** Vitest include globs for a list. */
export const globs = (list: readonly string[]): string[] => list.map((e) => (e.endsWith('/') ? `${e}**/*.test.ts` : e));
