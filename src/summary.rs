//! strace -c: calls, errors and time per syscall, printed as strace's table.

use std::io::{self, Write};

use crate::decode::Syscall;

#[derive(Clone, Copy, Default)]
struct Count {
    calls: u64,
    errors: u64,
    nanos: u64,
}

/// Counts per syscall, kept apart for 64-bit and 32-bit callers as strace does.
pub struct Summary {
    counts: [Vec<Count>; 2],
}

impl Default for Summary {
    fn default() -> Self {
        let counts = vec![Count::default(); Syscall::COUNT];
        Summary {
            counts: [counts.clone(), counts],
        }
    }
}

impl Summary {
    pub fn add(&mut self, syscall: Syscall, compat: bool, failed: bool, nanos: u64) {
        let count = &mut self.counts[usize::from(compat)][syscall.index()];
        count.calls += 1;
        count.errors += u64::from(failed);
        count.nanos += nanos;
    }

    /// Writes the table(s); nothing at all when no call was counted.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        for (compat, counts) in self.counts.iter().enumerate() {
            if counts.iter().all(|c| c.calls == 0) {
                continue;
            }
            if compat == 1 {
                writeln!(out, "System call usage summary for 32 bit mode:")?;
            }
            write_table(out, counts)?;
        }
        Ok(())
    }
}

fn write_table(out: &mut impl Write, counts: &[Count]) -> io::Result<()> {
    let mut rows: Vec<(Syscall, Count)> = Syscall::all()
        .zip(counts)
        .filter(|(_, c)| c.calls > 0)
        .map(|(s, c)| (s, *c))
        .collect();
    // strace's default order: most time first.
    rows.sort_by_key(|(_, c)| std::cmp::Reverse(c.nanos));

    let total = rows.iter().fold(Count::default(), |t, (_, c)| Count {
        calls: t.calls + c.calls,
        errors: t.errors + c.errors,
        nanos: t.nanos + c.nanos,
    });
    let seconds = |nanos: u64| nanos as f64 / 1e9;
    let usecs = |c: &Count| c.nanos / 1000 / c.calls.max(1);
    let widths = [
        6,
        11.max(format!("{:.6}", seconds(total.nanos)).len()),
        11.max(
            rows.iter()
                .map(|(_, c)| usecs(c))
                .max()
                .unwrap_or(0)
                .to_string()
                .len(),
        ),
        9.max(total.calls.to_string().len()),
        9.max(total.errors.to_string().len()),
        16.max(
            rows.iter()
                .map(|(s, _)| s.name().len() + 1)
                .max()
                .unwrap_or(0),
        ),
    ];
    let [w0, w1, w2, w3, w4, _] = widths;
    writeln!(
        out,
        "{:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} syscall",
        "% time", "seconds", "usecs/call", "calls", "errors"
    )?;
    let dashes = widths.map(|w| "-".repeat(w)).join(" ");
    writeln!(out, "{dashes}")?;
    let row = |out: &mut dyn Write, percent: f64, c: &Count, name: &str| {
        // strace leaves the errors column blank when there are none.
        let errors = if c.errors == 0 {
            String::new()
        } else {
            c.errors.to_string()
        };
        writeln!(
            out,
            "{percent:>w0$.2} {:>w1$.6} {:>w2$} {:>w3$} {errors:>w4$} {name}",
            seconds(c.nanos),
            usecs(c),
            c.calls
        )
    };
    for (syscall, count) in &rows {
        let percent = if total.nanos == 0 {
            0.0
        } else {
            100.0 * count.nanos as f64 / total.nanos as f64
        };
        row(out, percent, count, syscall.name())?;
    }
    writeln!(out, "{dashes}")?;
    row(out, 100.0, &total, "total")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_as_strace_prints_it() {
        let mut summary = Summary::default();
        summary.add(Syscall::named("openat"), false, false, 30_000);
        summary.add(Syscall::named("openat"), false, true, 10_000);
        summary.add(Syscall::named("symlinkat"), false, false, 10_000);
        let mut out = Vec::new();
        summary.write(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 80.00    0.000040          20         2         1 openat
 20.00    0.000010          10         1           symlinkat
------ ----------- ----------- --------- --------- ----------------
100.00    0.000050          16         3         1 total
"
        );
    }

    #[test]
    fn compat_calls_get_their_own_table() {
        let mut summary = Summary::default();
        summary.add(Syscall::named("openat"), true, false, 1000);
        let mut out = Vec::new();
        summary.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("System call usage summary for 32 bit mode:\n% time"));
        let mut out = Vec::new();
        Summary::default().write(&mut out).unwrap();
        assert!(out.is_empty());
    }
}
