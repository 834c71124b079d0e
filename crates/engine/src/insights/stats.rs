//! Pure statistics behind the insight finders: robust location and scale, regression,
//! rank tests and the distribution functions their p-values need. No I/O, no SQL.

/// Median of the finite values (NaN-free input expected); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// Median absolute deviation scaled by 1.4826, so it estimates the standard deviation
/// of normal data while ignoring the extreme values we are trying to find.
pub fn mad_sigma(values: &[f64]) -> Option<f64> {
    let m = median(values)?;
    let dev: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    median(&dev).map(|d| d * 1.4826)
}

/// A robust standard deviation that is nearly as precise as the plain one on clean data:
/// drop values more than 3 MAD-sigmas from the median, then take the standard deviation
/// of the rest (scaled for the trimming). MAD alone is too noisy on short series.
pub fn trimmed_sigma(values: &[f64]) -> Option<f64> {
    let m = median(values)?;
    let s0 = mad_sigma(values)?;
    if s0 <= 0.0 {
        return Some(0.0);
    }
    let kept: Vec<f64> = values
        .iter()
        .map(|v| v - m)
        .filter(|d| d.abs() <= 3.0 * s0)
        .collect();
    if kept.len() < 2 {
        return Some(s0);
    }
    let ss: f64 = kept.iter().map(|d| d * d).sum();
    // A normal distribution cut at 3 sigma keeps 97.33% of its variance.
    Some((ss / (kept.len() - 1) as f64 / 0.9733).sqrt())
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// Ordinary least squares of `ys` against 0, 1, 2, ... with the slope's t-test.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearFit {
    pub slope: f64,
    pub intercept: f64,
    pub r_squared: f64,
    /// Two-sided p-value of H0: slope = 0 (Student t, n - 2 degrees of freedom).
    pub p_value: f64,
}

impl LinearFit {
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

pub fn linear_fit(ys: &[f64]) -> Option<LinearFit> {
    let n = ys.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mx = (nf - 1.0) / 2.0;
    let my = mean(ys);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (i, y) in ys.iter().enumerate() {
        let dx = i as f64 - mx;
        let dy = y - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    if syy <= f64::EPSILON * my.abs().max(1.0) {
        // A perfectly flat series: no trend, and no division by zero below.
        return Some(LinearFit {
            slope: 0.0,
            intercept: my,
            r_squared: 0.0,
            p_value: 1.0,
        });
    }
    let sse = (syy - slope * sxy).max(0.0);
    let r_squared = (1.0 - sse / syy).clamp(0.0, 1.0);
    let df = nf - 2.0;
    let p_value = if sse <= 0.0 {
        0.0
    } else {
        let se = (sse / df / sxx).sqrt();
        student_t_two_sided(slope / se, df)
    };
    Some(LinearFit {
        slope,
        intercept,
        r_squared,
        p_value,
    })
}

/// Theil-Sen slope of `ys` against 0, 1, 2, ...: the median of all pairwise slopes, so a
/// spike barely moves it. Long series (over 400 points) use every k-th pair partner.
pub fn theil_sen_slope(ys: &[f64]) -> f64 {
    let n = ys.len();
    let step = n.div_ceil(400).max(1);
    let mut slopes = Vec::new();
    for i in (0..n).step_by(step) {
        for j in (i + 1..n).step_by(step) {
            slopes.push((ys[j] - ys[i]) / (j - i) as f64);
        }
    }
    median(&slopes).unwrap_or(0.0)
}

/// Mann-Kendall trend test: Kendall's S with the tie-corrected variance and a
/// continuity-corrected normal approximation. Returns (S, two-sided p).
pub fn mann_kendall(ys: &[f64]) -> (f64, f64) {
    let n = ys.len();
    if n < 3 {
        return (0.0, 1.0);
    }
    let mut s = 0i64;
    for i in 0..n {
        for j in i + 1..n {
            s += match ys[j].total_cmp(&ys[i]) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
            };
        }
    }
    let mut sorted = ys.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && sorted[j + 1] == sorted[i] {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        tie_term += t * (t - 1.0) * (2.0 * t + 5.0);
        i = j + 1;
    }
    let nf = n as f64;
    let var = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - tie_term) / 18.0;
    if var <= 0.0 {
        return (s as f64, 1.0);
    }
    let s = s as f64;
    let z = if s > 0.0 {
        (s - 1.0) / var.sqrt()
    } else if s < 0.0 {
        (s + 1.0) / var.sqrt()
    } else {
        0.0
    };
    (s, 2.0 * normal_sf(z.abs()))
}

/// Two-sided p-value of a correlation coefficient `r` from `n` pairs (t-test).
pub fn correlation_p(r: f64, n: u64) -> f64 {
    if n < 3 {
        return 1.0;
    }
    let df = n as f64 - 2.0;
    let r2 = (r * r).min(1.0);
    if r2 >= 1.0 {
        return 0.0;
    }
    student_t_two_sided(r * (df / (1.0 - r2)).sqrt(), df)
}

/// One group of a one-way ANOVA, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSummary {
    pub n: f64,
    pub mean: f64,
    /// Sample variance (n - 1 denominator); 0 for a single value.
    pub variance: f64,
}

/// One-way ANOVA from group summaries: (F, p, eta squared).
pub fn one_way_anova(groups: &[GroupSummary]) -> Option<(f64, f64, f64)> {
    let groups: Vec<&GroupSummary> = groups.iter().filter(|g| g.n >= 1.0).collect();
    let k = groups.len() as f64;
    let total: f64 = groups.iter().map(|g| g.n).sum();
    if k < 2.0 || total <= k {
        return None;
    }
    let grand = groups.iter().map(|g| g.n * g.mean).sum::<f64>() / total;
    let ssb: f64 = groups.iter().map(|g| g.n * (g.mean - grand).powi(2)).sum();
    let ssw: f64 = groups
        .iter()
        .map(|g| (g.n - 1.0).max(0.0) * g.variance.max(0.0))
        .sum();
    if ssb + ssw <= 0.0 {
        return None;
    }
    let eta2 = ssb / (ssb + ssw);
    let (d1, d2) = (k - 1.0, total - k);
    if ssw <= 0.0 {
        return Some((f64::INFINITY, 0.0, eta2));
    }
    let f = (ssb / d1) / (ssw / d2);
    Some((f, f_sf(f, d1, d2), eta2))
}

/// Upper tail of the standard normal distribution, P(Z > z).
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The z with P(Z > z) = p, by bisection on [`normal_sf`] (p in (0, 0.5]).
pub fn normal_isf(p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 40.0f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if normal_sf(mid) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let ans = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

/// Two-sided p-value of Student's t with `df` degrees of freedom.
pub fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if !t.is_finite() {
        return 0.0;
    }
    inc_beta(df / 2.0, 0.5, df / (df + t * t)).clamp(0.0, 1.0)
}

/// Upper tail of the F distribution with (d1, d2) degrees of freedom.
pub fn f_sf(f: f64, d1: f64, d2: f64) -> f64 {
    if f <= 0.0 {
        return 1.0;
    }
    inc_beta(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f)).clamp(0.0, 1.0)
}

fn ln_gamma(x: f64) -> f64 {
    // Lanczos approximation (g = 7, n = 9).
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes).
fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn median_and_mad() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        // One wild value does not move the robust scale.
        // Median 3.5; absolute deviations 2.5 1.5 0.5 0.5 1.5 996.5 have median 1.5.
        let s = mad_sigma(&[1.0, 2.0, 3.0, 4.0, 5.0, 1000.0]).unwrap();
        assert!(close(s, 1.5 * 1.4826, 1e-9), "{s}");
        // The trimmed sigma drops 1000 (beyond 3 MAD-sigmas) and uses the other five:
        // squared deviations from 3.5 sum to 11.25, over 4 degrees of freedom.
        let t = trimmed_sigma(&[1.0, 2.0, 3.0, 4.0, 5.0, 1000.0]).unwrap();
        assert!(close(t, (11.25f64 / 4.0 / 0.9733).sqrt(), 1e-9), "{t}");
    }

    #[test]
    fn distribution_functions_match_tables() {
        assert!(close(normal_sf(1.959_964), 0.025, 1e-6));
        assert!(close(normal_isf(0.025), 1.959_964, 1e-4));
        // t = 2.228 with 10 df is the two-sided 5% point.
        assert!(close(student_t_two_sided(2.228, 10.0), 0.05, 1e-3));
        assert!(close(student_t_two_sided(0.0, 5.0), 1.0, 1e-9));
        // F(3, 20) = 3.098 is the upper 5% point.
        assert!(close(f_sf(3.098, 3.0, 20.0), 0.05, 1e-3));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-10));
    }

    #[test]
    fn linear_fit_recovers_a_line() {
        let ys: Vec<f64> = (0..10).map(|i| 3.0 + 2.0 * i as f64).collect();
        let fit = linear_fit(&ys).unwrap();
        assert!(close(fit.slope, 2.0, 1e-9) && close(fit.intercept, 3.0, 1e-9));
        assert!(close(fit.r_squared, 1.0, 1e-9) && fit.p_value < 1e-9);
        let flat = linear_fit(&[5.0; 8]).unwrap();
        assert_eq!((flat.slope, flat.p_value), (0.0, 1.0));
        // Alternating noise has no trend.
        let zigzag: Vec<f64> = (0..20)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        assert!(linear_fit(&zigzag).unwrap().p_value > 0.5);
    }

    #[test]
    fn theil_sen_ignores_a_spike() {
        let mut ys: Vec<f64> = (0..20).map(|i| 5.0 + 2.0 * i as f64).collect();
        ys[10] = 500.0;
        assert!(close(theil_sen_slope(&ys), 2.0, 1e-9));
    }

    #[test]
    fn mann_kendall_sees_monotone_series() {
        let up: Vec<f64> = (0..12).map(|i| i as f64).collect();
        let (s, p) = mann_kendall(&up);
        assert_eq!(s, 66.0);
        assert!(p < 0.001);
        let (_, p) = mann_kendall(&[1.0, 3.0, 2.0, 3.0, 1.0, 2.0, 2.0, 3.0, 1.0]);
        assert!(p > 0.5);
        assert_eq!(mann_kendall(&[2.0; 6]).1, 1.0);
    }

    #[test]
    fn correlation_and_anova_p_values() {
        // r = 0.632 with n = 10 is the two-sided 5% point.
        assert!(close(correlation_p(0.632, 10), 0.05, 2e-3));
        let groups = [
            GroupSummary {
                n: 10.0,
                mean: 10.0,
                variance: 1.0,
            },
            GroupSummary {
                n: 10.0,
                mean: 12.0,
                variance: 1.0,
            },
        ];
        let (f, p, eta2) = one_way_anova(&groups).unwrap();
        // SSB = 20, SSW = 18: F = 20 / 1, eta^2 = 20 / 38.
        assert!(close(f, 20.0, 1e-9) && close(eta2, 20.0 / 38.0, 1e-9));
        assert!(p < 0.001);
    }
}
