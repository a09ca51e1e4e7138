//! ndnSIM's annotated topology format (the files `AnnotatedTopologyReader` reads, such as
//! `topo-6-node.txt`).
//!
//! Everything before a line `router` is ignored. In the `router` section each line is
//! `node comment yPos xPos [systemId]`; the section ends at a line `link`. In the `link` section
//! each line is `srcNode dstNode [bandwidth [metric [delay [queue [error]]]]]`. Lines starting
//! with `#` and empty lines are ignored. A link given again in the reverse direction
//! (`B A` after `A B`) is skipped, as ndnSIM does. Missing columns take the scenario's link
//! defaults. `queue` is a packet count or an ns-3 queue description with `MaxPackets=N` (or
//! `MaxSize=Np`); `error` is a loss probability or an ns-3 error model description with
//! `ErrorRate=p`.

use std::collections::BTreeSet;

use super::{LinkParams, Topology, TopologyError};
use crate::units::{UnitError, parse_rate, parse_time};

/// A topology file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnnotatedError {
    /// No `router` line.
    #[error("no `router` section (a line containing just `router`)")]
    NoRouterSection,
    /// A value is wrong.
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A unit is wrong.
    #[error("line {line}: {error}")]
    Unit {
        /// 1-based line number.
        line: usize,
        /// The unit error.
        error: UnitError,
    },
    /// The topology is inconsistent.
    #[error("line {line}: {error}")]
    Topology {
        /// 1-based line number.
        line: usize,
        /// The problem.
        error: TopologyError,
    },
}

/// What a reader noticed but accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadNotes {
    /// Links given twice (the second, reversed one was skipped), as (line, src, dst).
    pub skipped_duplicates: Vec<(usize, String, String)>,
}

fn line_err(line: usize, message: impl Into<String>) -> AnnotatedError {
    AnnotatedError::Line {
        line,
        message: message.into(),
    }
}

fn attr<'a>(desc: &'a str, key: &str) -> Option<&'a str> {
    desc.split(',').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"'))
    })
}

fn parse_queue(text: &str, line: usize) -> Result<usize, AnnotatedError> {
    if let Ok(n) = text.parse::<usize>() {
        return Ok(n);
    }
    let value = attr(text, "MaxPackets")
        .or_else(|| attr(text, "MaxSize").map(|v| v.trim_end_matches('p')))
        .ok_or_else(|| {
            line_err(
                line,
                format!(
                    "queue `{text}` is neither a packet count nor an ns-3 queue with MaxPackets=N"
                ),
            )
        })?;
    value
        .parse()
        .map_err(|_| line_err(line, format!("queue size `{value}` is not a number")))
}

fn parse_loss(text: &str, line: usize) -> Result<f64, AnnotatedError> {
    let value = match text.parse::<f64>() {
        Ok(p) => p,
        Err(_) => {
            let v = attr(text, "ErrorRate").ok_or_else(|| {
                line_err(
                    line,
                    format!("error model `{text}` is neither a probability nor has ErrorRate=p"),
                )
            })?;
            v.parse()
                .map_err(|_| line_err(line, format!("ErrorRate `{v}` is not a number")))?
        }
    };
    if !(0.0..=1.0).contains(&value) {
        return Err(line_err(line, format!("loss {value} is not in [0, 1]")));
    }
    Ok(value)
}

/// Read a topology in ndnSIM's annotated format; links take missing columns from `defaults`.
pub fn parse(text: &str, defaults: LinkParams) -> Result<(Topology, ReadNotes), AnnotatedError> {
    let mut topo = Topology::new();
    let mut notes = ReadNotes::default();
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    if !lines.by_ref().any(|(_, l)| l == "router") {
        return Err(AnnotatedError::NoRouterSection);
    }
    let mut in_links = false;
    let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (no, l) in lines {
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if !in_links {
            if l == "link" {
                in_links = true;
                continue;
            }
            let cols: Vec<&str> = l.split_whitespace().collect();
            let num = |i: usize, what: &str| -> Result<f64, AnnotatedError> {
                match cols.get(i) {
                    None => Ok(0.0),
                    Some(s) => s
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| line_err(no, format!("{what} `{s}` is not a number"))),
                }
            };
            let y = num(2, "yPos")?;
            let x = num(3, "xPos")?;
            topo.add_node(cols[0], x, y)
                .map_err(|error| AnnotatedError::Topology { line: no, error })?;
            continue;
        }
        let cols: Vec<&str> = l.split_whitespace().collect();
        if cols.len() < 2 {
            return Err(line_err(
                no,
                "a link needs at least `srcNode dstNode` (then bandwidth metric delay queue)",
            ));
        }
        let topo_err = |error| AnnotatedError::Topology { line: no, error };
        let a = topo.node(cols[0]).map_err(topo_err)?;
        let b = topo.node(cols[1]).map_err(topo_err)?;
        if seen.contains(&(b, a)) {
            notes
                .skipped_duplicates
                .push((no, cols[0].to_string(), cols[1].to_string()));
            continue;
        }
        seen.insert((a, b));
        let unit_err = |error| AnnotatedError::Unit { line: no, error };
        let mut p = defaults;
        if let Some(s) = cols.get(2) {
            p.bandwidth_bps = parse_rate(s).map_err(unit_err)?;
        }
        if let Some(s) = cols.get(3) {
            p.metric = s
                .parse()
                .map_err(|_| line_err(no, format!("metric `{s}` is not a whole number")))?;
        }
        if let Some(s) = cols.get(4) {
            p.delay = parse_time(s).map_err(unit_err)?;
        }
        if let Some(s) = cols.get(5) {
            p.queue_packets = parse_queue(s, no)?;
        }
        if let Some(s) = cols.get(6) {
            p.loss = parse_loss(s, no)?;
        }
        if cols.len() > 7 {
            return Err(line_err(
                no,
                format!("too many columns ({}); at most 7", cols.len()),
            ));
        }
        topo.add_link(a, b, p).map_err(topo_err)?;
    }
    Ok((topo, notes))
}

/// Write a topology in the annotated format (point-to-point links only; broadcast links and
/// MTUs have no column and are left out).
pub fn write(topo: &Topology) -> String {
    use crate::units::{Rate, Time};
    use std::fmt::Write as _;
    let mut out = String::from("router\n\n# node  comment  yPos  xPos\n");
    for n in &topo.nodes {
        let _ = writeln!(out, "{}\tNA\t{}\t{}", n.name, n.y, n.x);
    }
    out.push_str("\nlink\n\n# srcNode  dstNode  bandwidth  metric  delay  queue  [error]\n");
    for l in &topo.links {
        let p = &l.params;
        let _ = write!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            topo.nodes[l.a].name,
            topo.nodes[l.b].name,
            Rate(p.bandwidth_bps),
            p.metric,
            Time(p.delay),
            p.queue_packets
        );
        if p.loss > 0.0 {
            let _ = write!(out, "\t{}", p.loss);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIX: &str = "# a comment\nrouter\n\n# node comment yPos xPos\nSrc1 NA 1 3\nSrc2 NA 3 3\nRtr1 NA 2 5\nRtr2 NA 2 7\nDst1 NA 1 9\nDst2 NA 3 9\n\nlink\n\n# srcNode dstNode bandwidth metric delay queue\nSrc1 Rtr1 10Mbps 1 10ms 20\nSrc2 Rtr1 10Mbps 1 10ms 20\nRtr1 Rtr2 1Mbps 1 10ms 20\nDst1 Rtr2 10Mbps 1 10ms 20\nDst2 Rtr2 10Mbps 1 10ms 20\n";

    #[test]
    fn reads_the_six_node_layout() {
        let (t, notes) = parse(SIX, LinkParams::default()).unwrap();
        assert_eq!(t.nodes.len(), 6);
        assert_eq!(t.links.len(), 5);
        assert!(notes.skipped_duplicates.is_empty());
        let r1 = t.node("Rtr1").unwrap();
        let r2 = t.node("Rtr2").unwrap();
        let l = &t.links[t.link_between(r1, r2).unwrap()];
        assert_eq!(l.params.bandwidth_bps, 1_000_000);
        assert_eq!(l.params.delay, 10_000_000);
        assert_eq!(l.params.queue_packets, 20);
        assert_eq!((t.nodes[r1].x, t.nodes[r1].y), (5.0, 2.0));
    }

    #[test]
    fn written_file_reads_back_the_same() {
        let (t, _) = parse(SIX, LinkParams::default()).unwrap();
        let (u, _) = parse(&write(&t), LinkParams::default()).unwrap();
        assert_eq!(t, u);
    }

    #[test]
    fn optional_columns_and_ns3_descriptions() {
        let text = "router\na NA 0 0\nb NA 0 0\nc NA 0 0\nlink\na b\nb c 1Mbps 2 5ms ns3::DropTailQueue,MaxPackets=7 ns3::RateErrorModel,ErrorUnit=ERROR_UNIT_PACKET,ErrorRate=0.25\nc b\n";
        let d = LinkParams {
            bandwidth_bps: 42,
            ..LinkParams::default()
        };
        let (t, notes) = parse(text, d).unwrap();
        assert_eq!(t.links.len(), 2);
        assert_eq!(t.links[0].params.bandwidth_bps, 42);
        let p = t.links[1].params;
        assert_eq!(
            (p.bandwidth_bps, p.metric, p.delay, p.queue_packets),
            (1_000_000, 2, 5_000_000, 7)
        );
        assert_eq!(p.loss, 0.25);
        assert_eq!(notes.skipped_duplicates.len(), 1);
    }

    #[test]
    fn positions_that_are_not_finite_numbers_are_errors() {
        for pos in ["nan", "inf", "-inf", "NaN"] {
            let text = format!("router\na NA {pos} 0\nb NA 0 0\nlink\na b\n");
            let e = parse(&text, LinkParams::default()).unwrap_err();
            assert!(e.to_string().contains("yPos"), "{pos}: {e}");
        }
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse("link\n", LinkParams::default()),
            Err(AnnotatedError::NoRouterSection)
        );
        let e = parse("router\na NA 0 0\nlink\na zz\n", LinkParams::default()).unwrap_err();
        assert_eq!(e.to_string(), "line 4: unknown node `zz`");
        let e = parse(
            "router\na NA 0 0\nb NA 0 0\nlink\na b fast\n",
            LinkParams::default(),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("line 5:"), "{e}");
        let e = parse(
            "router\na NA 0 0\nb NA 0 0\nlink\na b 1Mbps 1 1ms 5 2.0\n",
            LinkParams::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not in [0, 1]"), "{e}");
    }
}
