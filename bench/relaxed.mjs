// Relaxed SIMD detection. Node 20 (V8 11.3) only decodes relaxed-SIMD opcodes behind
// --experimental-wasm-relaxed-simd; newer Node ships them. The probe is a hand-assembled
// module whose only function is f32x4.relaxed_madd, so "validates" means "this process can
// run relaxed kernels", independent of anything descent does.
import { spawnSync } from 'node:child_process';

export const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

// (module (func (param v128 v128 v128) (result v128)
//   local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))   ; opcode 0xfd 0x105 (LEB 85 02)
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 ×3) → v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // code
]);

/** Whether this process can compile relaxed-SIMD code. */
export function relaxedSupported() {
  return WebAssembly.validate(PROBE);
}

let cached;
/**
 * node flags for a child that must run relaxed SIMD: [] when relaxed SIMD works without a
 * flag, [RELAXED_FLAG] when the flag enables it, null when this node cannot run it at all.
 */
export function relaxedExecArgv() {
  if (cached !== undefined) return cached;
  const probe = (flags) =>
    spawnSync(process.execPath, [...flags, '--input-type=module', '-e',
      `import { relaxedSupported } from ${JSON.stringify(new URL('./relaxed.mjs', import.meta.url).href)}; process.exit(relaxedSupported() ? 0 : 3);`], { stdio: 'ignore' }).status === 0;
  cached = relaxedSupported() ? [] : probe([RELAXED_FLAG]) ? [RELAXED_FLAG] : null;
  return cached;
}
