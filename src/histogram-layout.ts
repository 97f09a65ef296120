// Shared by the engine (which reserves the histogram storage) and descent/diagnostics (which
// fills it), so the subpath needs no engine code at run time.

/** Most bins a histogram may have: the engine keeps this many u32 counts per layer and kind. */
export const HISTOGRAM_MAX_BINS = 256;
