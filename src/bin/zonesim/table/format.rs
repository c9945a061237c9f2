//! Number and text formatting shared by the renderers.

/// `-log10(1 - a)`, the number of nines of an availability.
pub fn nines(a: f64) -> f64 {
    -(1.0 - a).log10()
}

pub fn fmt_nines(a: f64) -> String {
    if a >= 1.0 {
        "inf".into()
    } else {
        format!("{:.2}", nines(a))
    }
}

pub fn fmt_avail(a: f64) -> String {
    format!("{a:.7}")
}

pub fn fmt_minutes(m: f64) -> String {
    if m.abs() >= 1e5 {
        format!("{m:.3e}")
    } else {
        format!("{m:.1}")
    }
}

pub fn fmt_prob(p: f64) -> String {
    format!("{p:.4}")
}

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

pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// A number with 6 significant digits, without trailing zeros.
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
    fn targets_print_cleanly() {
        assert_eq!(fmt_target(0.999), "A>=99.9%");
        assert_eq!(fmt_target(0.9995), "A>=99.95%");
        assert_eq!(fmt_target(0.9999), "A>=99.99%");
        assert_eq!(fmt_target(1.0), "A>=100%");
    }
}
