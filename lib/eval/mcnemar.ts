/** McNemar's test on paired predictions: b = only model A right, c = only model B right. */
export interface McNemarResult {
  readonly b: number;
  readonly c: number;
  readonly statistic: number;
  readonly pValue: number;
  /** exact (binomial, when b + c < 25) or chi-square with continuity correction. */
  readonly method: 'exact' | 'chi2-corrected';
}

export function mcnemar(b: number, c: number): McNemarResult {
  const n = b + c;
  if (n === 0) return { b, c, statistic: 0, pValue: 1, method: 'exact' };
  if (n < 25) {
    const k = Math.min(b, c);
    let tail = 0;
    for (let i = 0; i <= k; i++) tail += binomial(n, i) * 0.5 ** n;
    return { b, c, statistic: k, pValue: Math.min(1, 2 * tail), method: 'exact' };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { b, c, statistic, pValue: chi2Survival1(statistic), method: 'chi2-corrected' };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** P(X > x) for chi-square with 1 degree of freedom: erfc(sqrt(x / 2)). */
function chi2Survival1(x: number): number {
  return erfc(Math.sqrt(x / 2));
}

/** Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
