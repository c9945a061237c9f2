//! The [`Table`] engine: columns with two-line headers that, when they do
//! not fit the width, split into blocks that each repeat the first (label)
//! column; and [`wrap`] for prose under a table.

/// The width the tables are laid out for.
pub const WIDTH: usize = 100;

/// A top header of `^` continues the previous column's group label.
pub const CONTINUE: &str = "^";

pub struct Table {
    headers: Vec<[String; 2]>,
    rows: Vec<Vec<String>>,
    left: Vec<bool>,
}

impl Table {
    /// A table with these column headers (top line, bottom line).
    pub fn new(headers: &[(&str, &str)]) -> Self {
        Table {
            headers: headers
                .iter()
                .map(|(a, b)| [a.to_string(), b.to_string()])
                .collect(),
            rows: Vec::new(),
            left: vec![false; headers.len()],
        }
    }

    /// Left-aligns column `c` (for text; numbers stay right-aligned).
    pub fn left_align(mut self, c: usize) -> Self {
        if let Some(l) = self.left.get_mut(c) {
            *l = true;
        }
        self
    }

    fn pad(&self, s: &str, c: usize, w: usize) -> String {
        if self.left[c] {
            pad_left_align(s, w)
        } else {
            pad_right_align(s, w)
        }
    }

    /// Adds a row (missing cells are blank).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Header line `line` of column `c`. A top line of `^` continues the
    /// group label of the column before: blank, unless the column opens a block.
    fn header(&self, c: usize, line: usize, opens_block: bool) -> &str {
        let h = self.headers[c][line].as_str();
        if line != 0 || h != CONTINUE {
            return h;
        }
        if !opens_block {
            return "";
        }
        (0..c)
            .rev()
            .map(|p| self.headers[p][0].as_str())
            .find(|t| *t != CONTINUE)
            .unwrap_or("")
    }

    fn width(&self, c: usize, opens_block: bool) -> usize {
        let h = (0..2)
            .map(|l| self.header(c, l, opens_block).chars().count())
            .max();
        let r = self
            .rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max();
        h.unwrap_or(0).max(r.unwrap_or(0))
    }

    /// Renders the table within `max_width` columns where the label column
    /// allows, splitting the other columns into blocks.
    pub fn render(&self, max_width: usize) -> String {
        let n = self.headers.len();
        if n == 0 {
            return String::new();
        }
        let label = self.width(0, true);
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut used = label;
        for c in 1..n {
            let w = self.width(c, current.is_empty());
            if !current.is_empty() && used + 2 + w > max_width {
                blocks.push(std::mem::take(&mut current));
                used = label;
            }
            used += 2 + self.width(c, current.is_empty());
            current.push(c);
        }
        if !current.is_empty() || blocks.is_empty() {
            blocks.push(current);
        }
        let mut out = String::new();
        for (b, cols) in blocks.iter().enumerate() {
            if b > 0 {
                out.push('\n');
            }
            let mut widths = vec![0; n];
            widths[0] = label;
            for (i, &c) in cols.iter().enumerate() {
                widths[c] = self.width(c, i == 0);
            }
            for line in 0..2 {
                let mut s = pad_left_align(&self.headers[0][line], widths[0]);
                for (i, &c) in cols.iter().enumerate() {
                    s.push_str("  ");
                    s.push_str(&self.pad(self.header(c, line, i == 0), c, widths[c]));
                }
                out.push_str(s.trim_end());
                out.push('\n');
            }
            let total = widths[0] + cols.iter().map(|&c| widths[c] + 2).sum::<usize>();
            out.push_str(&"-".repeat(total));
            out.push('\n');
            for r in &self.rows {
                let cell = |c: usize| r.get(c).map_or("", |s| s.as_str());
                let mut s = pad_left_align(cell(0), widths[0]);
                for &c in cols {
                    s.push_str("  ");
                    s.push_str(&self.pad(cell(c), c, widths[c]));
                }
                out.push_str(s.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

fn pad_left_align(s: &str, w: usize) -> String {
    format!("{s:<w$}")
}

fn pad_right_align(s: &str, w: usize) -> String {
    format!("{s:>w$}")
}

/// Wraps text at spaces to `width`, indenting continuation lines.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let body = text.trim_start();
    let mut line = text[..text.len() - body.len()].to_string();
    for word in body.split(' ') {
        let has_words = !line.trim().is_empty();
        if has_words && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
        } else if has_words {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_splits_into_blocks_within_width() {
        let mut t = Table::new(&[("", "name"), ("a", "1"), ("b", "2"), ("c", "3")]);
        t.row(vec![
            "row".into(),
            "x".repeat(30),
            "y".repeat(30),
            "z".repeat(30),
        ]);
        let s = t.render(80);
        assert!(s.lines().all(|l| l.chars().count() <= 80), "{s}");
        assert_eq!(s.matches("row").count(), 2, "{s}");
    }
}
