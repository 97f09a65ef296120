// A `.wasm` import, as workerd and wrangler provide it: the module, compiled by the runtime
// (which refuses to compile bytes itself).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
