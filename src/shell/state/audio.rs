//! Listening to a clip: speech recognition streams each clip's path and length; the panel shows
//! them, and `a` plays the last one with whatever audio player the computer has (found once at
//! start: paplay, aplay, afplay, ffplay or sox's play), in the background.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::shell::action::Effect;
use crate::shell::state::{App, StatusKind};
use crate::shell::text::strings;

/// Players tried in order, with the arguments that make them play a file and exit.
const PLAYERS: [(&str, &[&str]); 5] = [
    ("paplay", &[]),
    ("aplay", &["-q"]),
    ("afplay", &[]),
    ("ffplay", &["-nodisp", "-autoexit", "-loglevel", "quiet"]),
    ("play", &["-q"]),
];

/// The first player on PATH, if any.
pub fn find_player() -> Option<String> {
    find_player_in(&std::env::var_os("PATH")?)
}

/// The first player in the folders of `path` (a PATH-style list), if any.
pub fn find_player_in(path: &std::ffi::OsStr) -> Option<String> {
    PLAYERS
        .iter()
        .map(|(name, _)| *name)
        .find(|name| std::env::split_paths(path).any(|dir| dir.join(name).is_file()))
        .map(str::to_string)
}

/// Starts `player` on `clip` without waiting for it; its output goes nowhere.
pub fn play(player: &str, clip: &str) -> std::io::Result<()> {
    let args = PLAYERS
        .iter()
        .find(|(name, _)| *name == player)
        .map_or(&[][..], |(_, a)| a);
    Command::new(player)
        .args(args)
        .arg(clip)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
}

impl App {
    /// Tells the shell which audio player to use (see [`find_player`]).
    pub fn set_audio_player(&mut self, player: Option<String>) {
        self.audio_player = player;
    }

    /// The `a` key: plays the active exercise's last clip, or says why not.
    pub(crate) fn play_clip(&mut self) -> Vec<Effect> {
        let clip = self
            .active_exercise()
            .and_then(|(key, _)| self.panes.exercises.get(&key))
            .and_then(|ui| ui.charts.clips.last())
            .map(|c| c.path.clone());
        match (clip, self.audio_player.clone()) {
            (None, _) => {
                self.set_status(StatusKind::Info, strings::NO_CLIP);
                vec![]
            }
            (Some(_), None) => {
                self.set_status(StatusKind::Info, strings::NO_PLAYER);
                vec![]
            }
            (Some(path), Some(player)) => {
                let name = Path::new(&path)
                    .file_name()
                    .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
                self.set_status(StatusKind::Info, strings::playing(&name, &player));
                vec![Effect::Play { player, clip: path }]
            }
        }
    }
}
