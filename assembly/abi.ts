// The contract between kernels and host, the kernels' side: every number both sides must
// agree on, named once. The host's side is named in src/wasm/abi.ts (layout words and
// slots), src/names.ts (activation and loss codes: their index there), src/model/layers.ts
// (layer kinds) and src/optim/rules.ts (each rule's hyper-parameter slots); test/abi.test.ts
// holds the two sides together. Plain constants only: the test imports this file as TypeScript.

// ---- Pass descriptor: i32 words the host writes and trainPass / forwardPass read (pass.ts).
export const PASS_LAYERS: i32 = 0;     // layer count L
export const PASS_LOSS: i32 = 1;       // loss code (LOSS_*)
export const PASS_ROWS: i32 = 2;       // rows in this pass
export const PASS_MEAN_ROWS: i32 = 3;  // rows the loss is averaged over (the whole batch, when sharded)
export const PASS_X: i32 = 4;          // input rows
export const PASS_Y: i32 = 5;          // targets (f32 rows, or i32 class indices)
export const PASS_LOSS_OUT: i32 = 6;   // f64 slot receiving this pass's share of the loss
export const PASS_DELTA_A: i32 = 7;    // two ping-pong buffers for ∂L/∂a, rows × widest layer
export const PASS_DELTA_B: i32 = 8;
export const PASS_STATS: i32 = 9;      // per-layer statistics blocks, or 0: none this pass
export const PASS_STAMP: i32 = 10;     // running sample count stamped on ReLU units active in this pass
export const PASS_SEED: i32 = 11;      // this step's dropout seed (the host derives it from the network's seed and step)
export const PASS_ROW0: i32 = 12;      // the shard's first row within the batch (0 unthreaded): dropout masks follow the batch row
export const PASS_HEADER: i32 = 16;    // words before the first layer's block

// Then one block of PASS_LAYER_WORDS words per layer. The first LAYER_COMMON words mean the
// same for every kind; the rest belong to the layer's kind.
export const LAYER_KIND: i32 = 0;        // LAYER_* code
export const LAYER_INPUTS: i32 = 1;      // features per row in
export const LAYER_OUTPUTS: i32 = 2;     // features per row out
export const LAYER_ACTIVATION: i32 = 3;  // ACT_* applied to the kind's output z, giving a
export const LAYER_PARAMS: i32 = 4;      // the layer's parameters (0 when it has none)
export const LAYER_GRADS: i32 = 5;       // their gradients, same layout
export const LAYER_Z: i32 = 6;           // the kind's output, rows × outputs
export const LAYER_A: i32 = 7;           // after the activation (= LAYER_Z for linear)
export const LAYER_LAST_ACTIVE: i32 = 8; // i32 per unit stamped when it fires (ReLU layers), or 0
export const LAYER_STATE: i32 = 9;       // the kind's non-trainable state (running statistics …), or 0
export const LAYER_SCRATCH: i32 = 10;    // the kind's per-pass scratch (masks, saved statistics, im2col …), or 0
export const LAYER_INDEX: i32 = 11;      // the layer's position in the network (dropout streams differ per layer)
export const LAYER_COMMON: i32 = 12;
export const PASS_LAYER_WORDS: i32 = 28;

// ---- Layer kinds (src/model/layers.ts LAYER_KINDS: the code is the index), each with its own
// words after LAYER_COMMON. A spatial input per row is [C, H, W] row-major (NCHW for the batch).
export const LAYER_DENSE: i32 = 0;
export const LAYER_CONV2D: i32 = 1;
export const CONV2D_IN_CHANNELS: i32 = 12;
export const CONV2D_IN_HEIGHT: i32 = 13;
export const CONV2D_IN_WIDTH: i32 = 14;
export const CONV2D_OUT_CHANNELS: i32 = 15;
export const CONV2D_OUT_HEIGHT: i32 = 16;
export const CONV2D_OUT_WIDTH: i32 = 17;
export const CONV2D_KERNEL_HEIGHT: i32 = 18;
export const CONV2D_KERNEL_WIDTH: i32 = 19;
export const CONV2D_STRIDE_HEIGHT: i32 = 20;
export const CONV2D_STRIDE_WIDTH: i32 = 21;
export const CONV2D_PAD_TOP: i32 = 22;        // rows of zeros above (PyTorch's 'same' puts the odd one below)
export const CONV2D_PAD_LEFT: i32 = 23;
export const CONV2D_DILATION_HEIGHT: i32 = 24;
export const CONV2D_DILATION_WIDTH: i32 = 25;
export const CONV2D_HAS_BIAS: i32 = 26;
export const LAYER_MAXPOOL2D: i32 = 2;
export const MAXPOOL2D_CHANNELS: i32 = 12;
export const MAXPOOL2D_IN_HEIGHT: i32 = 13;
export const MAXPOOL2D_IN_WIDTH: i32 = 14;
export const MAXPOOL2D_OUT_HEIGHT: i32 = 15;
export const MAXPOOL2D_OUT_WIDTH: i32 = 16;
export const MAXPOOL2D_KERNEL_HEIGHT: i32 = 17;
export const MAXPOOL2D_KERNEL_WIDTH: i32 = 18;
export const MAXPOOL2D_STRIDE_HEIGHT: i32 = 19;
export const MAXPOOL2D_STRIDE_WIDTH: i32 = 20;
export const MAXPOOL2D_PAD_HEIGHT: i32 = 21;
export const MAXPOOL2D_PAD_WIDTH: i32 = 22;
export const MAXPOOL2D_DILATION_HEIGHT: i32 = 23;
export const MAXPOOL2D_DILATION_WIDTH: i32 = 24;
export const LAYER_AVGPOOL2D: i32 = 3;
// avgpool2d has maxpool2d's words but dilation, then its divisor rule.
export const AVGPOOL2D_CHANNELS: i32 = 12;
export const AVGPOOL2D_IN_HEIGHT: i32 = 13;
export const AVGPOOL2D_IN_WIDTH: i32 = 14;
export const AVGPOOL2D_OUT_HEIGHT: i32 = 15;
export const AVGPOOL2D_OUT_WIDTH: i32 = 16;
export const AVGPOOL2D_KERNEL_HEIGHT: i32 = 17;
export const AVGPOOL2D_KERNEL_WIDTH: i32 = 18;
export const AVGPOOL2D_STRIDE_HEIGHT: i32 = 19;
export const AVGPOOL2D_STRIDE_WIDTH: i32 = 20;
export const AVGPOOL2D_PAD_HEIGHT: i32 = 21;
export const AVGPOOL2D_PAD_WIDTH: i32 = 22;
export const AVGPOOL2D_COUNT_INCLUDE_PAD: i32 = 23; // the divisor counts padding (1) or not (0)
export const LAYER_FLATTEN: i32 = 4;
export const LAYER_DROPOUT: i32 = 5;
export const DROPOUT_KEEP: i32 = 12;       // f32 bits of 1 − p, computed in f64 and rounded as PyTorch rounds it (its 1/(1 − p) is 1/this in f32)
export const DROPOUT_GIVEN_MASK: i32 = 13; // a batch-wide keep mask (0/1 f32, row PASS_ROW0 + r) given by the host (a replay's), or 0: draw it
export const LAYER_BATCHNORM1D: i32 = 6;
export const BATCHNORM1D_CHANNELS: i32 = 12;
export const BATCHNORM1D_SPATIAL: i32 = 13; // positions per channel in a row (1, L or H·W)
export const BATCHNORM1D_EPS: i32 = 14; // f32 bits
export const BATCHNORM1D_MOMENTUM: i32 = 15; // f32 bits; negative: None (the cumulative average)
export const BATCHNORM1D_AFFINE: i32 = 16;
export const BATCHNORM1D_TRACK_RUNNING_STATS: i32 = 17;
export const BATCHNORM1D_EPS_F64: i32 = 18; // f64 bits of eps, low word first: training adds eps in f64 (ATen), evaluation in f32
export const BATCHNORM1D_EPS_F64_HIGH: i32 = 19;
export const LAYER_BATCHNORM2D: i32 = 7;
export const BATCHNORM2D_CHANNELS: i32 = 12;
export const BATCHNORM2D_SPATIAL: i32 = 13;
export const BATCHNORM2D_EPS: i32 = 14;
export const BATCHNORM2D_MOMENTUM: i32 = 15;
export const BATCHNORM2D_AFFINE: i32 = 16;
export const BATCHNORM2D_TRACK_RUNNING_STATS: i32 = 17;
export const BATCHNORM2D_EPS_F64: i32 = 18;
export const BATCHNORM2D_EPS_F64_HIGH: i32 = 19;
export const LAYER_LAYERNORM: i32 = 8;
export const LAYERNORM_GROUPS: i32 = 12;    // normalised groups per row
export const LAYERNORM_SIZE: i32 = 13;      // elements per group (the normalized shape's product)
export const LAYERNORM_EPS: i32 = 14;       // f32 bits
export const LAYERNORM_AFFINE: i32 = 15;
export const LAYER_ACTIVATION_ONLY: i32 = 9;

// ---- Activations (src/names.ts ACTIVATIONS: the code is the index).
export const ACT_LINEAR: i32 = 0;
export const ACT_SIGMOID: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
export const ACT_LEAKY_RELU: i32 = 4;
export const ACT_ELU: i32 = 5;
export const ACT_SOFTPLUS: i32 = 6;
export const ACT_GELU: i32 = 7;

// ---- Losses (src/names.ts LOSSES: the code is the index).
export const LOSS_SOFTMAX_CROSS_ENTROPY: i32 = 0;
export const LOSS_SIGMOID_BCE: i32 = 1;
export const LOSS_MSE: i32 = 2;
export const LOSS_MAE: i32 = 3;
export const LOSS_HUBER: i32 = 4;

// ---- Statistics: STAT_WORDS f64 slots per layer (stats.ts fills them, diagnostics reads them).
export const STAT_A_SUM: i32 = 0;       // Σ a over the pass's rows × units (post-activation)
export const STAT_A_SQ: i32 = 1;        // Σ a²
export const STAT_A_SAT: i32 = 2;       // saturated values (sigmoid < 0.01 or > 0.99, |tanh| > 0.97)
export const STAT_A_BAD: i32 = 3;       // non-finite activations
export const STAT_DA_SQ: i32 = 4;       // Σ (∂L/∂a)²
export const STAT_DW_SQ: i32 = 5;       // Σ (∂L/∂W)², the raw gradient (before clipping and decay)
export const STAT_DB_SQ: i32 = 6;       // Σ (∂L/∂b)²
export const STAT_G_BAD: i32 = 7;       // non-finite gradients (W and b)
export const STAT_W_SQ: i32 = 8;        // Σ W² after the update
export const STAT_B_SQ: i32 = 9;        // Σ b²
export const STAT_DW_STEP_SQ: i32 = 10; // Σ (W_after − W_before)²
export const STAT_DB_STEP_SQ: i32 = 11; // Σ (b_after − b_before)²
export const STAT_P_BAD: i32 = 12;      // non-finite parameters
export const STAT_WORDS: i32 = 16;
// The first STAT_PASS_SLOTS slots come from the pass, so worker threads' shards add up.
export const STAT_PASS_SLOTS: i32 = 5;

// ---- Measured update (measured-update.ts): a region table, i32 words per entry.
export const REGION_OFFSET: i32 = 0;   // byte offset from the first parameter
export const REGION_COUNT: i32 = 1;    // values
export const REGION_STATS: i32 = 2;    // the layer's statistics block
export const MEASURE_REGION_BYTES: i32 = 12;
// Parameters per block: with Adam's two moments, a block's six arrays (θ, g, m, v, the old θ,
// AMSGrad's max) take 12 KB, inside a 32 KB L1.
export const MEASURE_BLOCK: i32 = 512;
export const MEASURE_SCRATCH_BYTES: i32 = MEASURE_BLOCK * 4;

// ---- Optimizer rules. Every step kernel is (param, grad, s0, s1, s2, n, hp): three state
// slots and a block of f64 hyper-parameters at hp, in the slots below (flags are 0 or 1).
export const RULE_SGD: i32 = 0;
export const RULE_ADAGRAD: i32 = 1;
export const RULE_RMSPROP: i32 = 2;
export const RULE_ADAM: i32 = 3;
export const RULE_ADAMW: i32 = 4;
export const RULE_ADAMAX: i32 = 5;
export const RULE_NADAM: i32 = 6;
export const RULE_RADAM: i32 = 7;
export const RULE_ADADELTA: i32 = 8;
export const HP_SLOTS: i32 = 16;

export const SGD_LR: i32 = 0;
export const SGD_MOMENTUM: i32 = 1;
export const SGD_DAMPENING: i32 = 2;
export const SGD_WEIGHT_DECAY: i32 = 3;
export const SGD_NESTEROV: i32 = 4;
export const SGD_FIRST_STEP: i32 = 5;     // the momentum buffer starts as the gradient

export const ADAGRAD_CLR: i32 = 0;        // lr / (1 + (t − 1)·lrDecay)
export const ADAGRAD_WEIGHT_DECAY: i32 = 1;
export const ADAGRAD_EPS: i32 = 2;

export const RMSPROP_LR: i32 = 0;
export const RMSPROP_ALPHA: i32 = 1;
export const RMSPROP_EPS: i32 = 2;
export const RMSPROP_WEIGHT_DECAY: i32 = 3;
export const RMSPROP_MOMENTUM: i32 = 4;
export const RMSPROP_CENTERED: i32 = 5;

export const ADAM_STEP_SIZE: i32 = 0;     // lr / (1 − β₁ᵗ)
export const ADAM_BC2_SQRT: i32 = 1;      // √(1 − β₂ᵗ)
export const ADAM_BETA1: i32 = 2;
export const ADAM_BETA2: i32 = 3;
export const ADAM_EPS: i32 = 4;
export const ADAM_WEIGHT_DECAY: i32 = 5;
export const ADAM_AMSGRAD: i32 = 6;

export const ADAMW_LR: i32 = 0;           // then Adam's block, one slot on, with λ as its decay
export const ADAMW_STEP_SIZE: i32 = 1;
export const ADAMW_BC2_SQRT: i32 = 2;
export const ADAMW_BETA1: i32 = 3;
export const ADAMW_BETA2: i32 = 4;
export const ADAMW_EPS: i32 = 5;
export const ADAMW_WEIGHT_DECAY: i32 = 6;
export const ADAMW_AMSGRAD: i32 = 7;

export const ADAMAX_CLR: i32 = 0;         // lr / (1 − β₁ᵗ)
export const ADAMAX_BETA1: i32 = 1;
export const ADAMAX_BETA2: i32 = 2;
export const ADAMAX_EPS: i32 = 3;
export const ADAMAX_WEIGHT_DECAY: i32 = 4;

export const NADAM_GRAD_COEF: i32 = 0;    // lr(1 − μₜ)/(1 − Πμ≤ₜ)
export const NADAM_AVG_COEF: i32 = 1;     // lr·μₜ₊₁/(1 − Πμ≤ₜ₊₁)
export const NADAM_BC2_SQRT: i32 = 2;
export const NADAM_BETA1: i32 = 3;
export const NADAM_BETA2: i32 = 4;
export const NADAM_EPS: i32 = 5;
export const NADAM_WEIGHT_DECAY: i32 = 6;

export const RADAM_LR: i32 = 0;
export const RADAM_BC1: i32 = 1;          // 1 − β₁ᵗ
export const RADAM_BC2_SQRT: i32 = 2;
export const RADAM_RECT: i32 = 3;         // the rectification term rₜ (0 while intractable)
export const RADAM_BETA1: i32 = 4;
export const RADAM_BETA2: i32 = 5;
export const RADAM_EPS: i32 = 6;
export const RADAM_WEIGHT_DECAY: i32 = 7;
export const RADAM_RECTIFIED: i32 = 8;    // ρₜ > 5: the variance is tractable

export const ADADELTA_LR: i32 = 0;
export const ADADELTA_RHO: i32 = 1;
export const ADADELTA_EPS: i32 = 2;
export const ADADELTA_WEIGHT_DECAY: i32 = 3;
