//! Number and text formatting shared by the renderers.

/// `-log10(1 - a)`, the number of nines of an availability.
// Text only (two decimals), and these modules are also compiled into the
// page's wasm (web/wasm), which has no `libm` of its own: `std`'s may stay.
#[allow(clippy::disallowed_methods)]
pub fn nines(a: f64) -> f64 {
    -(1.0 - a).log10()
}

/// Nines of an availability below 1, two decimals. An availability of 1
/// (no downtime seen) is never shown as `inf`: callers print
/// [`nines_bound`] instead.
pub fn fmt_nines(a: f64) -> String {
    if a >= 1.0 {
        "-".into()
    } else {
        format!("{:.2}", nines(a))
    }
}

/// The 95% upper bound on P(a trial has any downtime) when none of `trials`
/// had any: `1 - 0.05^(1/N)`, about 3/N (the rule of three). Since a trial's
/// downtime is at most its horizon, it also bounds the unavailability.
#[allow(clippy::disallowed_methods)] // as `nines`
pub fn no_downtime_bound(trials: u64) -> f64 {
    -(0.05f64.ln() / trials.max(1) as f64).exp_m1()
}

/// The nines column when no downtime was seen: `> x` from [`no_downtime_bound`].
#[allow(clippy::disallowed_methods)] // as `nines`
pub fn nines_bound(trials: u64) -> String {
    format!("> {:.2}", -no_downtime_bound(trials).log10())
}

/// The half-width of a 95% CI on availability: 7 decimals, or scientific
/// notation when that would round to zero (`±3.2e-9`); `±0` only when the
/// interval is exactly a point (every trial had the same downtime).
pub fn fmt_halfwidth(h: f64) -> String {
    if h == 0.0 {
        "±0".into()
    } else if h < 5e-8 {
        format!("±{h:.1e}")
    } else {
        format!("±{h:.7}")
    }
}

/// Text from the input (a deployment, zone or region name) made safe for a
/// terminal: control characters are shown escaped (`\n`, `\t`, `\x1b`),
/// so a name cannot break the table's lines or send escape codes.
pub fn escape(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// An availability with 7 decimals.
pub fn fmt_avail(a: f64) -> String {
    format!("{a:.7}")
}

/// Minutes with one decimal, or scientific notation from 100,000.
pub fn fmt_minutes(m: f64) -> String {
    if m.abs() >= 1e5 {
        format!("{m:.3e}")
    } else {
        format!("{m:.1}")
    }
}

/// A probability with 4 decimals.
pub fn fmt_prob(p: f64) -> String {
    format!("{p:.4}")
}

/// An SLA target as a column header: `A>=99.95%`.
pub fn fmt_target(t: f64) -> String {
    let pct = format!("{}", t * 100.0);
    // Round-trip noise such as 99.94999999999999 -> 99.95.
    let pct = if pct.len() > 8 {
        format!("{:.4}", t * 100.0)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        pct
    };
    format!("A>={pct}%")
}

/// `1 zone`, `2 zones`.
pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// A number with 6 significant digits, without trailing zeros.
// Only how many digits to print: `std`'s log10 may stay (clippy.toml).
#[allow(clippy::disallowed_methods)]
pub fn fmt_num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let decimals = (5 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Hours with 3 decimals, or also in years from 1000 h.
pub fn fmt_hours(h: f64) -> String {
    if h >= 1000.0 {
        format!("{h:.0} h = {:.3} y", h / 8760.0)
    } else {
        format!("{h:.3} h")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_with_six_digits() {
        assert_eq!(fmt_num(48666.666666666664), "48666.7");
        assert_eq!(fmt_num(437999.99999999994), "438000");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(1.5), "1.5");
        assert_eq!(fmt_num(0.25), "0.25");
    }

    #[test]
    fn no_zero_width_or_infinite_claims() {
        assert_eq!(fmt_halfwidth(2.9e-6), "±0.0000029");
        assert_eq!(fmt_halfwidth(3.24e-9), "±3.2e-9");
        assert_eq!(fmt_halfwidth(0.0), "±0");
        assert_eq!(fmt_nines(1.0), "-");
        assert_eq!(nines_bound(100_000), "> 4.52");
        assert!((no_downtime_bound(100_000) - 3.0e-5).abs() < 1e-7);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("plain-name"), "plain-name");
        assert_eq!(escape("a\nb\x1b[31mc\t"), "a\\nb\\x1b[31mc\\t");
        assert_eq!(escape("\u{9b}x"), "\\x9bx");
    }

    #[test]
    fn targets_print_cleanly() {
        assert_eq!(fmt_target(0.999), "A>=99.9%");
        assert_eq!(fmt_target(0.9995), "A>=99.95%");
        assert_eq!(fmt_target(0.9999), "A>=99.99%");
        assert_eq!(fmt_target(1.0), "A>=100%");
    }
}
