//! The command line (`:`): panes by name, `:env`, `:plan`, `:reach`, `:since`, `:around`,
//! `:write` and `:q`; what each asks of the state, or of the loop as an effect.

use super::App;
use crate::console::action::{Effect, Pane};

impl App {
    pub(super) fn run_command(&mut self, cmd: &str) -> Option<Effect> {
        let cmd = cmd.trim_start_matches(':');
        let (head, arg) = cmd.split_once(' ').map_or((cmd, ""), |(h, a)| (h, a.trim()));
        // `:reach` alone opens the pane; `:reach SRC DST PORT` asks.
        if let Some(p) = Pane::from_command(head)
            && ((head != "reach" && head != "plan") || arg.is_empty())
        {
            if p == Pane::Estate && !self.is_estate() {
                self.message = Some("one environment loaded: the Estate needs several --design files".into());
            } else if p == Pane::Plan && self.plan.is_none() {
                self.message = Some("no plan loaded: type :plan FILE".into());
            } else {
                self.set_pane(p);
            }
            return None;
        }
        match head {
            "q" | "quit" => Some(Effect::Quit),
            "env" => {
                let names: Vec<String> = self.envs.iter().map(|e| e.design.environment.name.clone()).collect();
                match names.iter().position(|n| n == arg) {
                    Some(i) => {
                        self.switch_env(i);
                        if self.pane == Pane::Estate {
                            self.set_pane(Pane::Overview);
                        }
                        None
                    }
                    None => {
                        self.message = Some(format!("no environment `{arg}`; loaded: {}", names.join(", ")));
                        None
                    }
                }
            }
            "drift" => {
                self.drift_only = !self.drift_only;
                None
            }
            "plan" => Some(Effect::LoadPlan(arg.into())),
            "write" | "w" | "write!" | "w!" => match (&self.inferred, arg) {
                (None, _) => {
                    self.message = Some("the design came from a file: nothing to write".into());
                    None
                }
                (Some(_), "") => {
                    self.message = Some("give a file: :write FILE (:write! FILE overwrites)".into());
                    None
                }
                (Some(text), path) => {
                    Some(Effect::WriteDesign { path: path.into(), text: text.clone(), force: head.ends_with('!') })
                }
            },
            "reach" => {
                match self.reach.ask(arg) {
                    Ok(()) => {
                        self.recompute_reach();
                        self.set_pane(Pane::Reach);
                    }
                    Err(e) => self.message = Some(e),
                }
                None
            }
            "help" => {
                self.show_help = true;
                self.help_scroll = 0;
                None
            }
            "since" => self.set_since(arg),
            "around" => {
                self.around(arg);
                None
            }
            "" => None,
            other => {
                self.message = Some(format!(
                    "unknown command `:{other}`; try :overview :net :sg :db :alarms :findings :timeline :env NAME :since 6h :around ALARM :q"
                ));
                None
            }
        }
    }
}
