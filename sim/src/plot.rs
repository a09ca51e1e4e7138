//! SVG plots with plotters: throughput over time, cache hit ratio per node, delay CDF, and
//! sweep comparisons.

use std::path::Path;

use plotters::prelude::*;

use crate::trace::IntervalTotals;
use crate::units::{NANOS_PER_SEC, SimTime};

/// A plot could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("plot {path}: {message}")]
pub struct PlotError {
    /// The file.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

fn err(path: &Path, e: impl std::fmt::Display) -> PlotError {
    PlotError {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

const SIZE: (u32, u32) = (900, 520);
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// A named line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points.
    pub points: Vec<(f64, f64)>,
}

fn upper(v: f64) -> f64 {
    if v <= 0.0 { 1.0 } else { v * 1.08 }
}

/// Draw lines on one chart.
pub fn lines(
    path: &Path,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    series: &[Series],
) -> Result<(), PlotError> {
    let xmax = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(0.0f64, f64::max);
    let xmin = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(f64::INFINITY, f64::min)
        .min(xmax);
    let xmin = if xmin.is_finite() { xmin.min(0.0) } else { 0.0 };
    let ymax = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0f64, f64::max);
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(path, e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(xmin..upper(xmax), 0.0..upper(ymax))
        .map_err(|e| err(path, e))?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()
        .map_err(|e| err(path, e))?;
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(
                s.points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(|e| err(path, e))?
            .label(s.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    if series.len() > 1 || series.iter().any(|s| !s.label.is_empty()) {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| err(path, e))?;
    }
    root.present().map_err(|e| err(path, e))?;
    Ok(())
}

/// Throughput over time: Data received by consumers and Interests reaching producers, per
/// second.
pub fn throughput(path: &Path, series: &[IntervalTotals]) -> Result<(), PlotError> {
    let mut prev = 0;
    let mut data = Vec::new();
    let mut prod = Vec::new();
    let mut hits = Vec::new();
    for s in series {
        let dt = (s.time - prev) as f64 / NANOS_PER_SEC as f64;
        prev = s.time;
        if dt <= 0.0 {
            continue;
        }
        let t = s.time as f64 / NANOS_PER_SEC as f64;
        data.push((t, s.consumer_data as f64 / dt));
        prod.push((t, s.producer_interests as f64 / dt));
        hits.push((t, s.cs_hits as f64 / dt));
    }
    lines(
        path,
        "Throughput",
        "time (s)",
        "packets per second",
        &[
            Series {
                label: "Data received by consumers".into(),
                points: data,
            },
            Series {
                label: "Interests reaching producers".into(),
                points: prod,
            },
            Series {
                label: "cache hits in the network".into(),
                points: hits,
            },
        ],
    )
}

/// Cache hit ratio per node, as bars in node order (nodes without lookups are left out).
pub fn hit_ratio(path: &Path, nodes: &[(String, u64, u64)]) -> Result<(), PlotError> {
    let bars: Vec<(usize, f64)> = nodes
        .iter()
        .enumerate()
        .filter(|(_, (_, h, m))| h + m > 0)
        .map(|(i, (_, h, m))| (i, *h as f64 / (*h + *m) as f64))
        .collect();
    let n = nodes.len().max(1) as u32;
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(path, e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Cache hit ratio per node", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((0..n).into_segmented(), 0.0..1.0)
        .map_err(|e| err(path, e))?;
    let names: Vec<String> = nodes.iter().map(|n| n.0.clone()).collect();
    let few = n <= 24;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(if few { "node" } else { "node index" })
        .y_desc("hits / (hits + misses)")
        .x_labels(if few { n as usize } else { 10 })
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if few => {
                names.get(*i as usize).cloned().unwrap_or_default()
            }
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => format!("{i}"),
            SegmentValue::Last => String::new(),
        })
        .draw()
        .map_err(|e| err(path, e))?;
    let color = PALETTE[0];
    chart
        .draw_series(bars.iter().map(|&(i, r)| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i as u32), 0.0),
                    (SegmentValue::Exact(i as u32 + 1), r),
                ],
                color.filled(),
            );
            if few {
                bar.set_margin(0, 0, 12, 12);
            }
            bar
        }))
        .map_err(|e| err(path, e))?;
    root.present().map_err(|e| err(path, e))?;
    Ok(())
}

/// Empirical CDF of delays (at most 2000 points).
pub fn cdf_points(delays: &[SimTime]) -> Vec<(f64, f64)> {
    let mut d: Vec<SimTime> = delays.to_vec();
    d.sort_unstable();
    let n = d.len();
    if n == 0 {
        return Vec::new();
    }
    let step = n.div_ceil(2000).max(1);
    let mut pts: Vec<(f64, f64)> = (0..n)
        .step_by(step)
        .map(|i| (d[i] as f64 / 1e6, (i + 1) as f64 / n as f64))
        .collect();
    pts.push((d[n - 1] as f64 / 1e6, 1.0));
    pts
}

/// CDF of application delays.
pub fn delay_cdf(path: &Path, runs: &[(String, &[SimTime])]) -> Result<(), PlotError> {
    let series: Vec<Series> = runs
        .iter()
        .map(|(label, d)| Series {
            label: label.clone(),
            points: cdf_points(d),
        })
        .collect();
    lines(
        path,
        "Delay CDF (first Interest to Data)",
        "delay (ms)",
        "fraction of satisfied requests",
        &series,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_ends_at_one_and_is_sorted() {
        let d: Vec<SimTime> = (0..5000u64).rev().map(|x| x * 1000).collect();
        let p = cdf_points(&d);
        assert!(p.len() <= 2002);
        assert_eq!(p.last().unwrap().1, 1.0);
        assert!(p.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
    }

    #[test]
    fn plots_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let s = vec![
            IntervalTotals {
                time: NANOS_PER_SEC,
                consumer_data: 10,
                ..Default::default()
            },
            IntervalTotals {
                time: 2 * NANOS_PER_SEC,
                consumer_data: 20,
                ..Default::default()
            },
        ];
        throughput(&dir.path().join("t.svg"), &s).unwrap();
        hit_ratio(
            &dir.path().join("h.svg"),
            &[("a".into(), 1, 3), ("b".into(), 0, 0)],
        )
        .unwrap();
        delay_cdf(&dir.path().join("d.svg"), &[("run".into(), &[1, 2, 3][..])]).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("t.svg")).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Throughput"));
    }
}
