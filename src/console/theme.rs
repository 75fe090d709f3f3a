//! Colours: a dark and a light theme, and a monochrome one for `NO_COLOR`, where drift
//! is still told apart by bold, reverse and the ✗ marks.

use crate::console::config::ThemeName;
use engine::drift::Severity;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone)]
pub struct Theme {
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub selected: Style,
    pub tab_active: Style,
    pub ok: Style,
    pub stale: Style,
    pub failed: Style,
    pub prod_banner: Style,
    pub nonprod_banner: Style,
    pub key: Style,
    critical: Style,
    high: Style,
    medium: Style,
    low: Style,
    info: Style,
}

impl Theme {
    pub fn new(name: ThemeName, colour: bool) -> Theme {
        if !colour {
            return Theme::mono();
        }
        let (fg, dim) = match name {
            ThemeName::Dark => (Color::Gray, Color::DarkGray),
            ThemeName::Light => (Color::Black, Color::Gray),
        };
        let accent = match name {
            ThemeName::Dark => Color::Cyan,
            ThemeName::Light => Color::Blue,
        };
        Theme {
            base: Style::new().fg(fg),
            dim: Style::new().fg(dim),
            title: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            tab_active: Style::new().fg(accent).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ok: Style::new().fg(Color::Green),
            stale: Style::new().fg(Color::Yellow),
            failed: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            prod_banner: Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
            nonprod_banner: Style::new().fg(Color::Black).bg(Color::Green),
            key: Style::new().fg(accent),
            critical: Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
            high: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            medium: Style::new().fg(Color::Yellow),
            low: Style::new().fg(accent),
            info: Style::new().fg(dim),
        }
    }

    fn mono() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            base: Style::new(),
            dim: Style::new(),
            title: bold,
            selected: Style::new().add_modifier(Modifier::REVERSED),
            tab_active: bold.add_modifier(Modifier::UNDERLINED),
            ok: Style::new(),
            stale: bold,
            failed: bold,
            prod_banner: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            nonprod_banner: Style::new().add_modifier(Modifier::REVERSED),
            key: bold,
            critical: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            high: bold,
            medium: bold,
            low: Style::new(),
            info: Style::new(),
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}
