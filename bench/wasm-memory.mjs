// The limits of a module's imported memory, read from its import section. Node 20 has no
// type reflection for imports, and a build may import a shared memory with a fixed maximum
// (descent's threads build does), which only a memory of the same kind satisfies.

/** `{ module, name, initial, maximum, shared }` of the first memory import, or null. */
export function memoryImport(bytes) {
  let p = 8; // after "\0asm" and the version
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  };
  const name = () => {
    const n = u32();
    const s = new TextDecoder().decode(bytes.subarray(p, p + n));
    p += n;
    return s;
  };
  const limits = () => {
    const flags = bytes[p++];
    const initial = u32();
    const maximum = flags & 1 ? u32() : undefined;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = u32();
    const end = p + size;
    if (id !== 2) {
      p = end;
      continue;
    }
    for (let n = u32(); n > 0; n--) {
      const module = name();
      const field = name();
      const kind = bytes[p++];
      if (kind === 0x02) return { module, name: field, ...limits() };
      if (kind === 0x00) u32(); // function: type index
      else if (kind === 0x01) { p++; limits(); } // table: element type, limits
      else if (kind === 0x03) p += 2; // global: value type, mutability
      else if (kind === 0x04) { p++; u32(); } // tag: attribute, type index
      else throw new Error(`unknown import kind ${kind}`);
    }
    return null;
  }
  return null;
}

/**
 * An instance of a kernel module (`bytes` compiled as `module`) on a fresh memory of the kind
 * it imports, and a bump allocator over it from heapBase(): `alloc(floats)` returns a byte
 * offset aligned to `align` bytes; `grow()` makes the memory hold all that was allocated —
 * call it before making views (growing detaches them). The micro-benches lay out their
 * buffers this way.
 */
export function kernelInstance(module, bytes, align = 16) {
  const limits = memoryImport(bytes);
  const memory = new WebAssembly.Memory({ initial: limits.initial, ...(limits.shared ? { shared: true, maximum: limits.maximum } : {}) });
  // abort: the kernels stop on an impossible code (never in a bench).
  const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('kernel abort'); } } }).exports;
  const mask = align - 1;
  let top = (ex.heapBase() + mask) & ~mask;
  return {
    ex,
    memory,
    alloc(floats) {
      const p = top;
      top = (top + floats * 4 + mask) & ~mask;
      return p;
    },
    grow() {
      const need = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
      if (need > 0) memory.grow(need);
    },
  };
}
