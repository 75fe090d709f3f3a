//! Overview pane: "is prod as designed and quiet?" in one screen: freshness of every
//! kind, findings by severity, and the alarms in ALARM.

use super::age;
use crate::console::state::App;
use engine::drift::Severity;
use model::{AlarmState, FetchStatus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let env = app.env();
    let [left, right] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);

    // The inventory's columns go through the same fitting as every list pane: the kind's
    // name is never cut (at 80 columns the fetch time and error give way; `e` shows errors).
    use crate::console::view::columns::{self, Column};
    let cols = [
        Column::id("Inventory", 9, 22),
        Column::keep("Status", 6, 8),
        Column::keep("Count", 5, 6),
        Column::gives("Fetched", 1, 7, 9),
        Column::fill("Error", 2, 10),
    ];
    let cells: Vec<[Line; 5]> = crate::console::view::overview_kinds(app)
        .into_iter()
        .map(|k| {
            let st = env.snapshot.status(k);
            let (label, style) = if env.pending.contains(&k) {
                ("loading".to_string(), th.dim)
            } else {
                match st.status {
                    FetchStatus::Ok => ("ok".to_string(), th.ok),
                    FetchStatus::Stale => ("STALE".to_string(), th.stale),
                    FetchStatus::Failed => ("FAILED".to_string(), th.failed),
                }
            };
            let err = st.error.clone().filter(|_| st.status != FetchStatus::Ok).unwrap_or_default();
            [
                Line::from(k.label()),
                Line::from(Span::styled(label, style)),
                Line::from(if env.pending.contains(&k) { String::new() } else { st.count.to_string() }),
                Line::from(Span::styled(age(app, st.fetched_at), th.dim)),
                Line::from(Span::styled(err, th.failed)),
            ]
        })
        .collect();
    let natural: Vec<usize> = (0..cols.len()).map(|i| cells.iter().map(|r| r[i].width()).max().unwrap_or(0)).collect();
    let fitted = columns::fit(&cols, &natural, left.width.saturating_sub(2), 1);
    let shown: Vec<usize> = (0..cols.len()).filter(|&i| fitted[i].is_some()).collect();
    let rows: Vec<Row> =
        cells.into_iter().map(|r| Row::new(shown.iter().map(|&i| r[i].clone()).collect::<Vec<_>>())).collect();
    let widths: Vec<Constraint> = shown.iter().map(|&i| Constraint::Length(fitted[i].unwrap_or(0))).collect();
    let mut state = TableState::default().with_selected(Some(app.selected(crate::console::action::Pane::Overview)));
    let table = Table::new(rows, widths)
        .header(Row::new(shown.iter().map(|&i| cols[i].title).collect::<Vec<_>>()).style(th.dim))
        .block(Block::default().borders(Borders::ALL).border_style(th.dim).title(Span::styled(" Inventory ", th.title)))
        .row_highlight_style(th.selected);
    frame.render_stateful_widget(table, left, &mut state);

    let controls = crate::console::view::controls::controls(app);
    let controls_h = if controls.is_empty() { 0 } else { controls.len() as u16 + 2 };
    let [sev_area, controls_area, alarm_area] =
        Layout::vertical([Constraint::Length(9), Constraint::Length(controls_h), Constraint::Min(3)]).areas(right);
    if !controls.is_empty() {
        draw_controls(frame, controls_area, app, &controls);
    }
    let counts = env.report.counts();
    let mut lines: Vec<Line> = Severity::ALL_DESC
        .iter()
        .map(|s| {
            let n = counts.get(s).copied().unwrap_or(0);
            let style = if n > 0 { th.severity(*s) } else { th.dim };
            Line::from(vec![Span::styled(format!(" {:<9}", s.as_str()), style), Span::styled(format!("{n:>4}"), style)])
        })
        .collect();
    if !env.report.muted.is_empty() {
        lines.push(Line::from(Span::styled(format!(" muted    {:>4}", env.report.muted.len()), th.dim)));
    }
    if let Some(e) = &env.connect_error {
        lines.push(Line::from(Span::styled(format!(" {e}"), th.failed)));
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default().borders(Borders::ALL).border_style(th.dim).title(Span::styled(" Findings ", th.title)),
        ),
        sev_area,
    );

    let mut firing: Vec<_> = env.snapshot.alarms.iter().filter(|a| a.state == AlarmState::Alarm).collect();
    firing.sort_by_key(|a| std::cmp::Reverse(a.state_updated));
    let alarm_lines: Vec<Line> = if firing.is_empty() {
        vec![Line::from(Span::styled(" quiet: no alarm in ALARM", th.ok))]
    } else {
        firing
            .iter()
            .map(|a| {
                Line::from(vec![
                    Span::styled(format!(" {} ", a.name), th.severity(Severity::High)),
                    Span::styled(format!("since {}", age(app, a.state_updated)), th.dim),
                ])
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(alarm_lines).block(
            Block::default().borders(Borders::ALL).border_style(th.dim).title(Span::styled(" In ALARM ", th.title)),
        ),
        alarm_area,
    );
}

/// The account controls the design checks, drift marked (`6` lists the findings).
fn draw_controls(frame: &mut Frame, area: Rect, app: &App, controls: &[crate::console::view::controls::Control]) {
    use crate::console::view::controls::Standing;
    let th = &app.theme;
    let lines: Vec<Line> = controls
        .iter()
        .map(|c| {
            let (text, style) = match &c.standing {
                Standing::AsDesigned => ("as designed".to_string(), th.ok),
                Standing::Drift { count, worst, rule } => (format!("✗ {count}: {rule}"), th.severity(*worst)),
                Standing::Unknown(why) => (format!("UNKNOWN: {why}"), th.failed),
            };
            Line::from(vec![Span::styled(format!(" {:<10}", c.label), th.dim), Span::styled(text, style)])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(th.dim)
                .title(Span::styled(" Controls (Enter: findings) ", th.title)),
        ),
        area,
    );
}
