//! Printing arrays the way numpy and torch print them, for the sandbox's `sentence_transformers`:
//! `encode` gives a numpy float32 array (`[-0.00809607  0.02500939 …]`, numpy's `maxprec` mode,
//! 8 digits, wrapped at 75 columns, scientific when the values span too much), `similarity` and
//! `util.cos_sim` a torch tensor (`tensor([[1.0000, 0.6132], …])`, 4 digits, wrapped at 80).
//! Both for the 1-D and 2-D arrays the course uses.

/// A 1-D or 2-D array of float32 values.
pub enum Array<'a> {
    Vector(&'a [f32]),
    Matrix(&'a [Vec<f32>]),
}

impl Array<'_> {
    fn values(&self) -> Vec<f32> {
        match self {
            Array::Vector(v) => v.to_vec(),
            Array::Matrix(rows) => rows.iter().flatten().copied().collect(),
        }
    }
}

/// numpy's shortest float32 digits, at most `precision` after the point: (integer part with
/// sign, fractional digits).
fn positional(x: f32, precision: usize) -> (String, String) {
    let mut s = format!("{x}");
    if let Some((_, frac)) = s.split_once('.') {
        if frac.len() > precision {
            s = format!("{x:.precision$}");
            s = s.trim_end_matches('0').to_string();
        }
    }
    match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (s, String::new()),
    }
}

/// numpy's scientific digits: (mantissa integer part with sign, mantissa fraction, exponent).
fn scientific(x: f32, precision: usize) -> (String, String, i32) {
    let s = format!("{x:e}"); // shortest digits, e.g. "-1.2345e-5"
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (int, mut frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (mantissa.to_string(), String::new()),
    };
    if frac.len() > precision {
        let rounded = format!("{x:.precision$e}");
        let m = rounded.split('e').next().unwrap_or("");
        frac = m
            .split_once('.')
            .map_or(String::new(), |(_, f)| f.trim_end_matches('0').to_string());
    }
    (int, frac, exp)
}

fn needs_scientific(values: &[f32], big: f32, small: f32) -> bool {
    let abs: Vec<f32> = values
        .iter()
        .filter(|v| v.is_finite() && **v != 0.0)
        .map(|v| v.abs())
        .collect();
    let (Some(min), Some(max)) = (
        abs.iter().copied().reduce(f32::min),
        abs.iter().copied().reduce(f32::max),
    ) else {
        return false;
    };
    max >= big || min < small || max / min > 1000.0
}

/// Each value as numpy prints it inside an array, all of one width.
fn numpy_words(values: &[f32]) -> Vec<String> {
    if needs_scientific(values, 1e8, 1e-4) {
        let parts: Vec<_> = values.iter().map(|v| scientific(*v, 8)).collect();
        let int_w = parts.iter().map(|p| p.0.len()).max().unwrap_or(1);
        let frac_w = parts.iter().map(|p| p.1.len()).max().unwrap_or(0).max(1);
        let exp_w = parts
            .iter()
            .map(|p| p.2.unsigned_abs().to_string().len())
            .max()
            .unwrap_or(2)
            .max(2);
        return parts
            .iter()
            .map(|(i, f, e)| {
                let sign = if *e < 0 { '-' } else { '+' };
                format!(
                    "{i:>int_w$}.{f:0<frac_w$}e{sign}{:0>exp_w$}",
                    e.unsigned_abs()
                )
            })
            .collect();
    }
    let parts: Vec<_> = values.iter().map(|v| positional(*v, 8)).collect();
    let int_w = parts.iter().map(|p| p.0.len()).max().unwrap_or(1);
    let frac_w = parts.iter().map(|p| p.1.len()).max().unwrap_or(0);
    parts
        .iter()
        .map(|(i, f)| format!("{i:>int_w$}.{f:<frac_w$}"))
        .collect()
}

/// numpy's `_extendLine`: wrap before `word` when the line would pass `width`.
fn extend(out: &mut String, line: &mut String, word: &str, width: usize, indent: &str) {
    if line.len() + word.len() > width && line.len() > indent.len() {
        out.push_str(line.trim_end());
        out.push('\n');
        *line = indent.to_string();
    }
    line.push_str(word);
}

fn numpy_row(words: &[String], indent: &str, width: usize) -> String {
    let elem_width = width - 1;
    let mut out = String::new();
    let mut line = indent.to_string();
    for (i, w) in words.iter().enumerate() {
        extend(&mut out, &mut line, w, elem_width, indent);
        if i + 1 < words.len() {
            line.push(' ');
        }
    }
    out.push_str(&line);
    format!("[{}]", &out[indent.len()..])
}

/// `print(array)` for a float32 numpy array.
pub fn numpy_str(a: &Array) -> String {
    let words = numpy_words(&a.values());
    match a {
        Array::Vector(_) => numpy_row(&words, " ", 75),
        Array::Matrix(rows) => {
            let cols = rows.first().map_or(0, Vec::len);
            let lines: Vec<String> = words
                .chunks(cols.max(1))
                .map(|row| numpy_row(row, "  ", 74))
                .collect();
            format!("[{}]", lines.join("\n "))
        }
    }
}

/// Each value as torch prints it: 4 digits, or scientific when the values span too much.
fn torch_words(values: &[f32]) -> Vec<String> {
    let words: Vec<String> = if needs_scientific(values, 1e8, 0.0) {
        values.iter().map(|v| torch_sci(*v)).collect()
    } else {
        values.iter().map(|v| format!("{v:.4}")).collect()
    };
    let width = words.iter().map(String::len).max().unwrap_or(0);
    words.iter().map(|w| format!("{w:>width$}")).collect()
}

fn torch_sci(v: f32) -> String {
    let s = format!("{v:.4e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let sign = if e < 0 { '-' } else { '+' };
    format!("{m}e{sign}{:02}", e.unsigned_abs())
}

fn torch_row(words: &[String], indent: usize) -> String {
    let per_line = ((80 - indent) / (words.first().map_or(1, String::len) + 2)).max(1);
    let lines: Vec<String> = words.chunks(per_line).map(|c| c.join(", ")).collect();
    format!(
        "[{}]",
        lines.join(&format!(",\n{}", " ".repeat(indent + 1)))
    )
}

/// `print(tensor)` for a float32 torch tensor.
pub fn torch_str(a: &Array) -> String {
    let words = torch_words(&a.values());
    let indent = "tensor(".len();
    let body = match a {
        Array::Vector(_) => torch_row(&words, indent),
        Array::Matrix(rows) => {
            let cols = rows.first().map_or(0, Vec::len);
            let lines: Vec<String> = words
                .chunks(cols.max(1))
                .map(|row| torch_row(row, indent + 1))
                .collect();
            format!(
                "[{}]",
                lines.join(&format!(",\n{}", " ".repeat(indent + 1)))
            )
        }
    };
    format!("tensor({body})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_as_numpy_prints() {
        let v = [-0.008_096_07, 0.025_009_39, 0.058_703_9, 1.5, -2.25];
        assert_eq!(
            numpy_str(&Array::Vector(&v)),
            "[-0.00809607  0.02500939  0.0587039   1.5        -2.25      ]"
        );
        let m = vec![vec![0.1, -0.000_01], vec![2.0, 3.5]];
        assert_eq!(
            numpy_str(&Array::Matrix(&m)),
            "[[ 1.0e-01 -1.0e-05]\n [ 2.0e+00  3.5e+00]]"
        );
        let forty: Vec<f32> = (0..40).map(|i| i as f32 / 7.0).collect();
        let printed = numpy_str(&Array::Vector(&forty));
        assert!(printed.starts_with("[0.         0.14285715 0.2857143  0.42857143 0.5714286  0.71428573\n 0.85714287 1.         1.1428572"), "{printed}");
        assert!(
            printed.ends_with(" 5.142857   5.285714   5.428571   5.571429  ]"),
            "{printed}"
        );
    }

    #[test]
    fn torch_as_torch_prints() {
        let m = vec![vec![1.0, 0.6132], vec![0.6132, 1.0]];
        assert_eq!(
            torch_str(&Array::Matrix(&m)),
            "tensor([[1.0000, 0.6132],\n        [0.6132, 1.0000]])"
        );
        assert_eq!(
            torch_str(&Array::Vector(&[0.5, 0.25])),
            "tensor([0.5000, 0.2500])"
        );
        let small = vec![vec![0.000_01, 1.0]];
        assert_eq!(
            torch_str(&Array::Matrix(&small)),
            "tensor([[1.0000e-05, 1.0000e+00]])"
        );
    }
}
