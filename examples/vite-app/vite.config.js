// main.js awaits at the top level (the kernels load asynchronously): ES2022 output keeps it.
export default { build: { target: 'es2022' } };
