// Optimizer steps, one kernel per rule, following torch.optim 1.13's single-tensor code
// (NAdam: the ≥ 2.0 formula). Each updates `n` contiguous parameters in place from their
// gradients and per-parameter state slots, and never writes the gradient: weight decay is
// folded into a local copy, as PyTorch's `grad = grad.add(param, alpha=wd)` does.
// Per-step scalars that depend only on the step count (bias corrections, decayed rates) are
// computed by the host in f64, so the loops hold only elementwise work. All real-valued
// hyper-parameters arrive in an f64 block at `hp` (each kernel's first lines read it, in
// order), never as call arguments: a double passed across the JS→wasm boundary can cost a
// boxed JS number per call. Flags and the step's first/rectified switches stay i32 arguments.

// @ts-ignore: decorator
@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/**
 * SGD with optional momentum, dampening, Nesterov and L2 weight decay.
 * `first` = 1 on the first step: the momentum buffer is then initialised to the gradient.
 */
export function sgdStep(param: usize, grad: usize, buf: usize, n: i32, hp: usize, nesterov: i32, first: i32): void {
  const lr = load<f64>(hp, 0);
  const momentum = load<f64>(hp, 8);
  const dampening = load<f64>(hp, 16);
  const weightDecay = load<f64>(hp, 24);
  const lr32 = <f32>lr, mu = <f32>momentum, damp = <f32>(1.0 - dampening), wd = <f32>weightDecay;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    if (mu != 0) {
      let b: f32;
      if (first) b = g;
      else b = load<f32>(at(buf, i)) * mu + damp * g;
      store<f32>(at(buf, i), b);
      g = nesterov ? g + mu * b : b;
    }
    store<f32>(at(param, i), p - lr32 * g);
  }
}

/** Adagrad; `clr` = lr / (1 + (t − 1)·lrDecay) from the host. */
export function adagradStep(param: usize, grad: usize, sum: usize, n: i32, hp: usize): void {
  const clr = load<f64>(hp, 0);
  const weightDecay = load<f64>(hp, 8);
  const eps = load<f64>(hp, 16);
  const c = <f32>clr, wd = <f32>weightDecay, e = <f32>eps;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    const s = load<f32>(at(sum, i)) + g * g;
    store<f32>(at(sum, i), s);
    store<f32>(at(param, i), p - c * (g / (Mathf.sqrt(s) + e)));
  }
}

/** RMSprop, optionally centered and with momentum (eps added after the square root). */
export function rmspropStep(param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize, n: i32, hp: usize, centered: i32): void {
  const lr = load<f64>(hp, 0);
  const alpha = load<f64>(hp, 8);
  const eps = load<f64>(hp, 16);
  const weightDecay = load<f64>(hp, 24);
  const momentum = load<f64>(hp, 32);
  const lr32 = <f32>lr, a = <f32>alpha, oneMinusA = <f32>(1.0 - alpha), e = <f32>eps;
  const wd = <f32>weightDecay, mu = <f32>momentum;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    const v = load<f32>(at(squareAvg, i)) * a + oneMinusA * g * g;
    store<f32>(at(squareAvg, i), v);
    let avg: f32;
    if (centered) {
      const ga = load<f32>(at(gradAvg, i)) * a + oneMinusA * g;
      store<f32>(at(gradAvg, i), ga);
      avg = Mathf.sqrt(v - ga * ga) + e;
    } else {
      avg = Mathf.sqrt(v) + e;
    }
    if (mu > 0) {
      const b = load<f32>(at(buf, i)) * mu + g / avg;
      store<f32>(at(buf, i), b);
      store<f32>(at(param, i), p - lr32 * b);
    } else {
      store<f32>(at(param, i), p - lr32 * (g / avg));
    }
  }
}

/**
 * Adam with coupled L2 weight decay, optionally AMSGrad (running max of the raw second
 * moment, then bias-corrected). stepSize = lr / (1 − β₁ᵗ), bc2Sqrt = √(1 − β₂ᵗ).
 */
export function adamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32): void {
  const stepSize = load<f64>(hp, 0);
  const bc2Sqrt = load<f64>(hp, 8);
  const beta1 = load<f64>(hp, 16);
  const beta2 = load<f64>(hp, 24);
  const eps = load<f64>(hp, 32);
  const weightDecay = load<f64>(hp, 40);
  adamCore(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, stepSize, bc2Sqrt, beta1, beta2, eps, weightDecay, amsgrad);
}

/** AdamW: decoupled decay θ ← θ(1 − lr·λ) first, then the Adam step without L2. */
export function adamwStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32): void {
  const lr = load<f64>(hp, 0);
  const stepSize = load<f64>(hp, 8);
  const bc2Sqrt = load<f64>(hp, 16);
  const beta1 = load<f64>(hp, 24);
  const beta2 = load<f64>(hp, 32);
  const eps = load<f64>(hp, 40);
  const weightDecay = load<f64>(hp, 48);
  const keep = <f32>(1.0 - lr * weightDecay);
  for (let i = 0; i < n; i++) store<f32>(at(param, i), load<f32>(at(param, i)) * keep);
  adamCore(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, stepSize, bc2Sqrt, beta1, beta2, eps, 0, amsgrad);
}

// @ts-ignore: decorator
@inline function adamCore(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32,
  stepSize: f64, bc2Sqrt: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, amsgrad: i32,
): void {
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const ss = <f32>stepSize, bc = <f32>bc2Sqrt, e = <f32>eps, wd = <f32>weightDecay;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    const m = load<f32>(at(expAvg, i)) * b1 + c1 * g;
    const v = load<f32>(at(expAvgSq, i)) * b2 + c2 * g * g;
    store<f32>(at(expAvg, i), m);
    store<f32>(at(expAvgSq, i), v);
    let vHat = v;
    if (amsgrad) {
      vHat = max(load<f32>(at(maxExpAvgSq, i)), v);
      store<f32>(at(maxExpAvgSq, i), vHat);
    }
    const denom = Mathf.sqrt(vHat) / bc + e;
    store<f32>(at(param, i), p - ss * (m / denom));
  }
}

/** Adamax: u ← max(β₂u, |g| + ε); θ ← θ − clr·m/u with clr = lr / (1 − β₁ᵗ). */
export function adamaxStep(param: usize, grad: usize, expAvg: usize, expInf: usize, n: i32, hp: usize): void {
  const clr = load<f64>(hp, 0);
  const beta1 = load<f64>(hp, 8);
  const beta2 = load<f64>(hp, 16);
  const eps = load<f64>(hp, 24);
  const weightDecay = load<f64>(hp, 32);
  const b1 = <f32>beta1, c1 = <f32>(1.0 - beta1), b2 = <f32>beta2, e = <f32>eps;
  const c = <f32>clr, wd = <f32>weightDecay;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    const m = load<f32>(at(expAvg, i)) * b1 + c1 * g;
    const u = max(load<f32>(at(expInf, i)) * b2, abs(g) + e);
    store<f32>(at(expAvg, i), m);
    store<f32>(at(expInf, i), u);
    store<f32>(at(param, i), p - c * (m / u));
  }
}

/**
 * NAdam (PyTorch ≥ 2.0 formula): θ ← θ − gradCoef·g/d − avgCoef·m/d with d = √(v/(1 − β₂ᵗ)) + ε,
 * gradCoef = lr(1 − μₜ)/(1 − Πμ≤ₜ) and avgCoef = lr·μₜ₊₁/(1 − Πμ≤ₜ₊₁) from the host.
 */
export function nadamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize): void {
  const gradCoef = load<f64>(hp, 0);
  const avgCoef = load<f64>(hp, 8);
  const bc2Sqrt = load<f64>(hp, 16);
  const beta1 = load<f64>(hp, 24);
  const beta2 = load<f64>(hp, 32);
  const eps = load<f64>(hp, 40);
  const weightDecay = load<f64>(hp, 48);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const gc = <f32>gradCoef, ac = <f32>avgCoef, bc = <f32>bc2Sqrt, e = <f32>eps, wd = <f32>weightDecay;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    const m = load<f32>(at(expAvg, i)) * b1 + c1 * g;
    const v = load<f32>(at(expAvgSq, i)) * b2 + c2 * g * g;
    store<f32>(at(expAvg, i), m);
    store<f32>(at(expAvgSq, i), v);
    const denom = Mathf.sqrt(v) / bc + e;
    store<f32>(at(param, i), p - gc * (g / denom) - ac * (m / denom));
  }
}

/**
 * RAdam. While the variance is intractable (ρₜ ≤ 5, `rectified` = 0): θ ← θ − lr·m/(1 − β₁ᵗ).
 * Otherwise θ ← θ − lr·m/(1 − β₁ᵗ)·rect·√(1 − β₂ᵗ)/(√v + ε), with `rect` from the host.
 */
export function radamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize, rectified: i32): void {
  const lr = load<f64>(hp, 0);
  const bc1 = load<f64>(hp, 8);
  const bc2Sqrt = load<f64>(hp, 16);
  const rect = load<f64>(hp, 24);
  const beta1 = load<f64>(hp, 32);
  const beta2 = load<f64>(hp, 40);
  const eps = load<f64>(hp, 48);
  const weightDecay = load<f64>(hp, 56);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const lr32 = <f32>lr, bias1 = <f32>bc1, bc = <f32>bc2Sqrt, r = <f32>rect, e = <f32>eps, wd = <f32>weightDecay;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    const m = load<f32>(at(expAvg, i)) * b1 + c1 * g;
    const v = load<f32>(at(expAvgSq, i)) * b2 + c2 * g * g;
    store<f32>(at(expAvg, i), m);
    store<f32>(at(expAvgSq, i), v);
    const mHat = m / bias1;
    if (rectified) {
      const adaptive = bc / (Mathf.sqrt(v) + e);
      store<f32>(at(param, i), p - mHat * lr32 * adaptive * r);
    } else {
      store<f32>(at(param, i), p - mHat * lr32);
    }
  }
}

/** Adadelta: Δ = √(u + ε)/√(v + ε)·g with v, u running averages of g² and Δ². */
export function adadeltaStep(param: usize, grad: usize, squareAvg: usize, accDelta: usize, n: i32, hp: usize): void {
  const lr = load<f64>(hp, 0);
  const rho = load<f64>(hp, 8);
  const eps = load<f64>(hp, 16);
  const weightDecay = load<f64>(hp, 24);
  const lr32 = <f32>lr, r = <f32>rho, c = <f32>(1.0 - rho), e = <f32>eps, wd = <f32>weightDecay;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i));
    if (wd != 0) g += wd * p;
    const v = load<f32>(at(squareAvg, i)) * r + c * g * g;
    store<f32>(at(squareAvg, i), v);
    const delta = Mathf.sqrt(load<f32>(at(accDelta, i)) + e) / Mathf.sqrt(v + e) * g;
    store<f32>(at(accDelta, i), load<f32>(at(accDelta, i)) * r + c * delta * delta);
    store<f32>(at(param, i), p - lr32 * delta);
  }
}
