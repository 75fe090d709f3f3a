//! The console (TUI) and its event loop: terminal setup and restore, keys and mouse,
//! background results and signals. The frame is drawn at once and redrawn only when
//! state changed.
//!
//! Inside: `action` (every message `update` applies; a leaf), `state` (`App` and
//! `App::update`, the one place state changes), `view` (the rows a pane shows, built from
//! state), `panes` (drawing; reads state only), `poller` (background fetches through
//! bounded channels tagged with a generation), `keymap`, `config`, `theme`, `demo`.

pub mod action;
pub mod config;
pub mod demo;
pub mod keymap;
pub mod panes;
pub mod poller;
pub mod state;
pub mod theme;
pub mod view;

use crate::collect::Budget;
use action::{Action, Effect};
use config::{Config, Intervals};
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyCode, KeyEventKind, MouseEventKind,
};
use demo::DemoSource;
use engine::design::Design;
use futures::StreamExt;
use futures::future::BoxFuture;
use model::source::Source;
use poller::Pollers;
use state::{App, InputMode};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A console state wired to the view-model that builds its rows.
pub fn app(designs: Vec<Design>, config: Config, colour: bool, now: jiff::Timestamp) -> App {
    App::new(&view::LAYOUT, designs, config, colour, now)
}

/// Connects one environment's source (checking the account guard), off the UI's path.
pub type SourceFactory = Arc<dyn Fn(&Design) -> BoxFuture<'static, Result<Arc<dyn Source>, String>> + Send + Sync>;

pub enum Mode {
    Live(SourceFactory),
    Demo,
}

pub struct ConsoleOptions {
    pub designs: Vec<Design>,
    pub mode: Mode,
    pub config: Config,
    /// Overrides of the configured intervals (`--intervals`).
    pub intervals: Option<Intervals>,
    pub colour: bool,
    /// The history window; `None` with `--no-history`.
    pub history: Option<engine::history::Since>,
    /// A Terraform plan (`terraform show -json`) to judge and show (`--plan`).
    pub plan: Option<std::path::PathBuf>,
    /// The design's text when it was inferred from the live account (no `--design`):
    /// the banner says so and `:write FILE` saves it.
    pub inferred: Option<String>,
    /// The events queue (`--events`): its URL and the options to read it with.
    pub events: Option<(String, aws::AwsOptions)>,
}

/// Write the inferred design for `Action::DesignWritten` (I/O stays out of `update`):
/// never over an existing file unless forced (`:write! FILE`).
pub fn write_design(path: &std::path::Path, text: &str, force: bool) -> Action {
    use std::io::Write;
    let mut open = std::fs::OpenOptions::new();
    open.write(true);
    if force {
        open.create(true).truncate(true);
    } else {
        open.create_new(true);
    }
    let result = open.open(path).and_then(|mut f| f.write_all(text.as_bytes())).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!("{} exists; :write! {} overwrites it", path.display(), path.display())
        }
        _ => format!("cannot write {}: {e}", path.display()),
    });
    Action::DesignWritten { path: path.display().to_string(), result }
}

/// `--events`: read the queue in the background; each change goes to the environments of
/// its account and region as `Action::Nudged` (acknowledged once the loop has it, so the
/// message is deleted only then).
async fn listen_events(url: &str, opts: &aws::AwsOptions, app: &App, tx: &mpsc::Sender<Action>) -> anyhow::Result<()> {
    let (queue, _) = aws::sqs::Queue::connect(opts, url).await.map_err(|e| anyhow::anyhow!("--events: {e}"))?;
    let mut routes = Vec::new();
    for (env, e) in app.envs.iter().enumerate() {
        let (nudge_tx, mut nudges) = mpsc::channel::<crate::collect::events::Nudge>(64);
        routes.push(crate::collect::events::Route {
            region: e.design.environment.region.clone(),
            account: e.design.environment.account_id.clone().or_else(|| e.snapshot.account.clone()),
            tx: nudge_tx,
        });
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(n) = nudges.recv().await {
                let action = Action::Nudged { env, kinds: n.kinds, change: Box::new(n.change) };
                if tx.send(action).await.is_err() {
                    return;
                }
                let _ = n.applied.send(());
            }
        });
    }
    tokio::spawn(crate::collect::events::listen(queue, routes));
    Ok(())
}

/// Read and parse a plan file for `Action::PlanLoaded` (I/O stays out of `update`).
pub fn read_plan(path: &std::path::Path) -> Action {
    let result = model::limits::read_capped_bytes(path, "plan", model::limits::MAX_SNAPSHOT_BYTES)
        .and_then(|b| engine::terraform::decode(&b))
        .and_then(|t| engine::terraform::parse_plan(&t))
        .map(Box::new);
    Action::PlanLoaded { path: path.display().to_string(), result }
}

pub fn run(opts: ConsoleOptions) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async {
        let mut terminal = setup()?;
        let result = event_loop(&mut terminal, opts, started).await;
        restore();
        result
    })
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// Ask the terminal to copy `text` (OSC 52). The terminal (or tmux with `set-clipboard
/// on`) decides whether to honour it; the status line has already said what was copied.
fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(osc52(text).as_bytes()).and_then(|_| out.flush()) {
        tracing::warn!("cannot write the clipboard sequence: {e}");
    }
}

fn setup() -> anyhow::Result<ratatui::DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    crossterm::execute!(std::io::stdout(), EnableMouseCapture)?;
    // ratatui's hook restores the screen; ours also releases the mouse and logs the
    // panic, then hands on so the message is printed after the terminal is back.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        ratatui::restore();
        tracing::error!("panic: {info}");
        previous(info);
    }));
    Ok(terminal)
}

/// Test-only: with `DRIFTDECK_TEST_PANIC=1`, panic once the first frame is on screen, so
/// the tmux tests can prove the terminal is restored after a panic. Compiled only into
/// debug (test) builds; a release binary ignores the variable.
fn test_panic_after_first_frame() {
    #[cfg(debug_assertions)]
    if std::env::var_os("DRIFTDECK_TEST_PANIC").is_some_and(|v| v == "1") {
        panic!("test panic requested by DRIFTDECK_TEST_PANIC");
    }
}

fn restore() {
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
}

/// A running history task and the source it reads (kept for `:since` restarts).
type HistoryTask = (tokio::task::JoinHandle<()>, Arc<dyn Source>);

/// (environment, generation, connected source or why not).
type Connected = (usize, u64, Result<Arc<dyn Source>, String>);

struct Loop {
    tx: mpsc::Sender<Action>,
    src_tx: mpsc::Sender<Connected>,
    mode: Mode,
    demo: Option<Arc<DemoSource>>,
    intervals: Intervals,
    /// Pollers per environment: every environment of the estate is polled at once.
    pollers: Vec<Option<Pollers>>,
    budget: Budget,
    /// History task and connected source per environment (restarted by `:since`).
    history: Vec<Option<HistoryTask>>,
    history_poll: Duration,
}

impl Loop {
    /// Connect every environment in the background; each one's pollers start when it answers.
    fn start_all(&mut self, app: &App) {
        self.pollers = (0..app.envs.len()).map(|_| None).collect();
        self.history = (0..app.envs.len()).map(|_| None).collect();
        for i in 0..app.envs.len() {
            self.start_env(app, i);
        }
    }

    fn start_env(&mut self, app: &App, i: usize) {
        if let Some(p) = self.pollers.get_mut(i).and_then(Option::take) {
            p.stop();
        }
        if let Some((task, _)) = self.history.get_mut(i).and_then(Option::take) {
            task.abort();
        }
        let env = &app.envs[i];
        let generation = env.generation;
        let src_tx = self.src_tx.clone();
        match &self.mode {
            Mode::Demo => {
                if let Some(d) = &self.demo {
                    let source: Arc<dyn Source> = d.clone();
                    let _ = src_tx.try_send((i, generation, Ok(source)));
                }
            }
            Mode::Live(factory) => {
                let fut = factory(&env.design);
                tokio::spawn(async move {
                    let _ = src_tx.send((i, generation, fut.await)).await;
                });
            }
        }
    }

    fn connected(&mut self, app: &mut App, (i, generation, result): Connected) {
        if app.envs.get(i).is_none_or(|e| e.generation != generation) {
            return; // an answer for a connection we already replaced
        }
        match result {
            Ok(source) => {
                let account = source.account();
                app.update(Action::Connected { env: i, generation, account: account.clone() });
                let design = &app.envs[i].design;
                // Environments of one account share its budget; without a known account
                // the profile (or the default chain) stands for it.
                let key = account
                    .or_else(|| design.environment.account_id.clone())
                    .unwrap_or_else(|| format!("profile:{}", design.environment.profile.as_deref().unwrap_or("")));
                let limit = self.budget.for_account(&key);
                let kinds = crate::console::state::polled_kinds(design);
                let pollers =
                    Pollers::start(source.clone(), kinds, &self.intervals, (i, generation), limit, self.tx.clone());
                if let Some(slot) = self.pollers.get_mut(i) {
                    *slot = Some(pollers);
                }
                self.start_history(app, i, source);
            }
            Err(error) => {
                app.update(Action::SourceFailed { env: i, generation, error });
            }
        }
    }

    /// History runs on its own task per environment, beside (never before) the inventory.
    fn start_history(&mut self, app: &App, i: usize, source: Arc<dyn Source>) {
        if !app.hist.on {
            return;
        }
        if let Some((task, _)) = self.history.get_mut(i).and_then(Option::take) {
            task.abort();
        }
        let env = &app.envs[i];
        let prefix = env.design.alarms.as_ref().and_then(|a| a.prefix.clone());
        let tag = (i, env.generation, env.history.generation);
        let task = crate::console::poller::history::start(
            source.clone(),
            prefix,
            app.hist.since,
            self.history_poll,
            tag,
            self.tx.clone(),
        );
        if let Some(slot) = self.history.get_mut(i) {
            *slot = Some((task, source));
        }
    }

    /// `:since`: the same sources, a new window.
    fn restart_history(&mut self, app: &App, envs: &[usize]) {
        for i in envs {
            if let Some(source) = self.history.get(*i).and_then(|s| s.as_ref()).map(|(_, s)| s.clone()) {
                self.start_history(app, *i, source);
            }
        }
    }

    fn refresh(&self, envs: &[usize]) {
        for i in envs {
            if let Some(Some(p)) = self.pollers.get(*i) {
                p.refresh_now();
            }
        }
    }
}

fn key_action(app: &App, key: crossterm::event::KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if !matches!(app.input, InputMode::Normal) {
        let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL);
        return Some(match key.code {
            KeyCode::Enter => Action::Submit,
            KeyCode::Esc => Action::Back,
            _ if ctrl_c => Action::Quit,
            _ => Action::Input(key),
        });
    }
    app.config.keymap.lookup(&key)
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    opts: ConsoleOptions,
    started: std::time::Instant,
) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Action>(256);
    let (src_tx, mut src_rx) = mpsc::channel::<Connected>(8);
    let demo = match opts.mode {
        Mode::Demo => Some(Arc::new(DemoSource::builtin().map_err(anyhow::Error::msg)?)),
        Mode::Live(_) => None,
    };
    let intervals = match (&opts.mode, opts.intervals) {
        (_, Some(i)) => i,
        (Mode::Demo, None) => DemoSource::intervals(),
        (Mode::Live(_), None) => opts.config.intervals.clone(),
    };
    let mut app = app(opts.designs, opts.config, opts.colour, jiff::Timestamp::now());
    app.inferred = opts.inferred;
    if let Ok(size) = terminal.size() {
        app.update(Action::Resize { width: size.width, height: size.height });
    }
    if let Some(since) = opts.history {
        app.enable_history(since);
    }
    if let Some(path) = &opts.plan {
        app.update(read_plan(path));
    }
    // Evaluation runs on its own thread; its answers come back as actions.
    let worker_tx = tx.clone();
    app.start_worker(move |a| {
        let _ = worker_tx.blocking_send(a);
    })?;
    let history_poll = if demo.is_some() { DemoSource::HISTORY_POLL } else { crate::console::poller::history::POLL };
    let mut lp = Loop {
        tx,
        src_tx,
        mode: opts.mode,
        demo,
        intervals,
        pollers: Vec::new(),
        budget: Budget::default(),
        history: Vec::new(),
        history_poll,
    };
    lp.start_all(&app);
    if let Some((url, opts)) = &opts.events {
        listen_events(url, opts, &app, &lp.tx).await?;
    }

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;

    let mut first_frame = true;
    loop {
        if app.dirty {
            terminal.draw(|f| crate::console::panes::draw(f, &app))?;
            app.dirty = false;
            if first_frame {
                first_frame = false;
                tracing::info!(ms = started.elapsed().as_secs_f64() * 1000.0, "first frame drawn");
            }
            test_panic_after_first_frame();
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => key_action(&app, k),
                Some(Ok(Event::Mouse(m))) => match m.kind {
                    MouseEventKind::ScrollUp => Some(Action::Up),
                    MouseEventKind::ScrollDown => Some(Action::Down),
                    _ => None,
                },
                Some(Ok(Event::Resize(width, height))) => Some(Action::Resize { width, height }),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e.into()),
                None => Some(Action::Quit),
            },
            Some(a) = rx.recv() => Some(a),
            Some(connected) = src_rx.recv() => {
                lp.connected(&mut app, connected);
                None
            }
            _ = tick.tick() => {
                if let Some(d) = &lp.demo {
                    let caption = Some(d.current().caption.clone());
                    if caption != app.caption {
                        app.caption = caption;
                        app.dirty = true;
                    }
                }
                Some(Action::Tick(jiff::Timestamp::now()))
            }
            _ = tokio::signal::ctrl_c() => Some(Action::Quit),
            _ = term.recv() => Some(Action::Quit),
            _ = hangup.recv() => Some(Action::Quit),
        };
        let Some(action) = action else { continue };
        match app.update(action) {
            Some(Effect::Quit) => break,
            Some(Effect::RefreshNow(envs)) => lp.refresh(&envs),
            Some(Effect::RestartHistory(envs)) => lp.restart_history(&app, &envs),
            Some(Effect::Reconnect(envs)) => {
                for i in envs {
                    lp.start_env(&app, i);
                }
            }
            Some(Effect::LoadPlan(path)) => {
                app.update(read_plan(&path));
            }
            Some(Effect::Copy(text)) => copy_to_clipboard(&text),
            Some(Effect::RefreshKinds(env, kinds)) => {
                if let Some(Some(p)) = lp.pollers.get(env) {
                    p.refresh_kinds(&kinds);
                }
            }
            Some(Effect::WriteDesign { path, text, force }) => {
                app.update(write_design(&path, &text, force));
            }
            None => {}
        }
    }
    for p in lp.pollers.into_iter().flatten() {
        p.stop();
    }
    for (task, _) in lp.history.into_iter().flatten() {
        task.abort();
    }
    Ok(())
}
