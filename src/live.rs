//! The one live connection of a tab: an EventSource on `/api/events`, exposed as signals.

use deskmove_rules::{Move, MoveState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use crate::api;

/// What every screen knows of moves as they happen.
#[derive(Clone, Copy)]
pub struct Live {
    /// The account's running move; `None` when no move runs (R17's banner reads it).
    pub running: RwSignal<Option<Move>>,
    /// The last state heard of any move, running or just ended (the progress page reads it).
    pub latest: RwSignal<Option<Move>>,
    /// Grows whenever a channel changes workspace, so channel lists read again (R16).
    pub channels_changed: RwSignal<u64>,
    /// Whether the stream is open right now.
    pub connected: RwSignal<bool>,
}

impl Live {
    /// Signals with nothing connected: what tests feed by hand.
    pub fn new() -> Self {
        Live {
            running: RwSignal::new(None),
            latest: RwSignal::new(None),
            channels_changed: RwSignal::new(0),
            connected: RwSignal::new(false),
        }
    }

    /// Takes in a move's new state from wherever it came (event, fetch, own request).
    pub fn heard(&self, m: Move) {
        let newer = self.latest.with_untracked(|l| {
            l.as_ref()
                .is_none_or(|l| l.id != m.id || l.moved <= m.moved || m.state != MoveState::Running)
        });
        if !newer {
            return;
        }
        if m.state == MoveState::Running {
            self.running.set(Some(m.clone()));
        } else if self
            .running
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.id == m.id))
        {
            self.running.set(None);
            // Its channel changed workspace (R16).
            self.channels_changed.update(|n| *n += 1);
        }
        self.latest.set(Some(m));
    }

    /// Re-reads the running move, so nothing said while disconnected is missed.
    pub fn refresh(&self) {
        let live = *self;
        spawn_local(async move {
            if let Ok(current) = api::current_move().await {
                match current {
                    Some(m) => live.heard(m),
                    None => {
                        if let Some(gone) = live.running.get_untracked() {
                            // It ended while we weren't listening: read how.
                            if let Ok(m) = api::move_by_id(gone.id).await {
                                live.heard(m);
                            }
                        }
                    }
                }
            }
        });
    }
}

impl Default for Live {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

/// The open stream and the handlers it calls; dropped (and closed) with its owner.
struct Stream {
    source: EventSource,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Opens the stream for as long as the calling component lives, and reopens it when
/// the browser gives up on it (a closed stream is not retried by the browser itself).
pub fn connect(live: Live) {
    let stream = StoredValue::new_local(open(live));
    let retry = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let check = gloo_timers::callback::Interval::new(3_000, move || {
        let closed = stream.with_value(|s| {
            s.as_ref()
                .is_none_or(|s| s.source.ready_state() == EventSource::CLOSED)
        });
        if closed && retry.with_value(Option::is_none) {
            retry.set_value(Some(gloo_timers::callback::Timeout::new(
                1_000,
                move || {
                    stream.set_value(open(live));
                    retry.set_value(None);
                },
            )));
        }
    });
    let check = StoredValue::new_local(Some(check));
    on_cleanup(move || {
        check.set_value(None);
        retry.set_value(None);
        stream.set_value(None);
    });
}

fn open(live: Live) -> Option<Stream> {
    let source = EventSource::new("/api/events").ok()?;
    let mut handlers: Vec<Closure<dyn FnMut(web_sys::Event)>> = Vec::new();
    let mut on = |name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
        let c = Closure::wrap(f);
        let _ = source.add_event_listener_with_callback(name, c.as_ref().unchecked_ref());
        handlers.push(c);
    };
    on(
        "move",
        Box::new(move |e: web_sys::Event| {
            let data = e
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string());
            if let Some(m) = data.and_then(|d| serde_json::from_str::<Move>(&d).ok()) {
                live.heard(m);
            }
        }),
    );
    on(
        "channel",
        Box::new(move |_| live.channels_changed.update(|n| *n += 1)),
    );
    on(
        "open",
        Box::new(move |_| {
            live.connected.set(true);
            live.refresh();
        }),
    );
    on("error", Box::new(move |_| live.connected.set(false)));
    Some(Stream {
        source,
        _handlers: handlers,
    })
}
