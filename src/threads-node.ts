// 'descent/threads' in Node, Deno and Bun: their entry reads the threaded kernels beside it
// whenever threads > 1, so there is nothing to add (the import is for browsers and bundlers).
export {};
