//! The live connection of a browser, not of a tab: one tab holds the Web Lock
//! "deskmove-live", opens the EventSource on `/api/events` and relays each event
//! to the other tabs over a BroadcastChannel; when it closes or is put away
//! (`pagehide`, `freeze`), the lock and the stream pass to another tab. Over
//! six tabs would otherwise take every connection the browser allows a host.

use std::cell::RefCell;
use std::rc::Rc;

use deskmove_rules::{Move, MoveState, ThreadEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, EventSource, MessageEvent};

use crate::api;

/// What every screen knows of moves as they happen.
#[derive(Clone, Copy)]
pub struct Live {
    /// The account's running or scheduled move; `None` when there is neither (the
    /// banner reads it: R17, R24).
    pub running: RwSignal<Option<Move>>,
    /// The last state heard of any move, running or just ended (the progress page reads it).
    pub latest: RwSignal<Option<Move>>,
    /// Grows whenever a channel changes workspace, so channel lists read again (R16).
    pub channels_changed: RwSignal<u64>,
    /// Whether the stream is open right now.
    pub connected: RwSignal<bool>,
    /// The last message heard added or changed (R33: an answer queued, sent or
    /// failed): an open thread of its conversation takes it in.
    pub thread: RwSignal<Option<ThreadEvent>>,
}

impl Live {
    /// Signals with nothing connected: what tests feed by hand.
    pub fn new() -> Self {
        Live {
            running: RwSignal::new(None),
            latest: RwSignal::new(None),
            channels_changed: RwSignal::new(0),
            connected: RwSignal::new(false),
            thread: RwSignal::new(None),
        }
    }

    /// Takes in a move's new state from wherever it came (event, fetch, own request).
    /// Signals of a shell already drawn again (a new language) hear nothing: a
    /// fetch or an event may come back after they were disposed.
    pub fn heard(&self, m: Move) {
        let newer = self.latest.try_with_untracked(|l| {
            l.as_ref()
                .is_none_or(|l| l.id != m.id || l.moved <= m.moved || m.state != MoveState::Running)
        });
        if newer != Some(true) {
            return;
        }
        if m.state.is_active() {
            self.running.set(Some(m.clone()));
        } else if self
            .running
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.id == m.id))
        {
            self.running.set(None);
            // Its channel changed workspace (R16); a canceled or failed one did
            // not, but channel lists still read again: it may move now.
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
                        // Disposed meanwhile (the shell was drawn again): nothing to do.
                        if let Some(gone) = live.running.try_get_untracked().flatten() {
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

/// The lock whose holder opens the stream, and the channel it relays on.
const LOCK: &str = "deskmove-live";
const CHANNEL: &str = "deskmove-live";

/// What the holder tells the other tabs (and a new tab asks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relay {
    /// A `move` event's JSON.
    Move { data: String },
    /// A `channel` event: channel lists read again.
    Channel,
    /// A `thread` event's JSON.
    Thread { data: String },
    /// The stream opened, or is open (the answer to `Hello`).
    Open,
    /// The stream failed; it is being opened again.
    Closed,
    /// A new tab asks whether the stream is open.
    Hello,
}

impl Relay {
    /// What a tab does with it, wherever it came from.
    pub fn apply(self, live: Live) {
        match self {
            Relay::Move { data } => {
                if let Ok(m) = serde_json::from_str::<Move>(&data) {
                    live.heard(m);
                }
            }
            Relay::Channel => live.channels_changed.update(|n| *n += 1),
            Relay::Thread { data } => {
                if let Ok(t) = serde_json::from_str::<ThreadEvent>(&data) {
                    live.thread.set(Some(t));
                }
            }
            Relay::Open => {
                live.connected.set(true);
                live.refresh();
            }
            Relay::Closed => live.connected.set(false),
            Relay::Hello => {}
        }
    }
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

/// This tab's part in the browser's one stream.
struct Tab {
    live: Live,
    channel: Option<BroadcastChannel>,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    /// Open while this tab holds the lock (or every tab, where Web Locks are missing).
    stream: Option<Stream>,
    /// Resolves the promise that keeps the lock: calling it lets the lock go.
    release: Option<js_sys::Function>,
    /// Whether this tab holds the lock, or waits for it.
    leading: bool,
    waiting: bool,
    /// Put away (pagehide, freeze): holds nothing until shown again.
    away: bool,
    granted: Option<Closure<dyn FnMut(JsValue) -> js_sys::Promise>>,
}

type Shared = Rc<RefCell<Tab>>;

impl Tab {
    /// Tells the other tabs.
    fn relay(&self, r: &Relay) {
        if let (Some(c), Ok(text)) = (&self.channel, serde_json::to_string(r)) {
            let _ = c.post_message(&JsValue::from_str(&text));
        }
    }
}

/// Takes part in the browser's stream for as long as the calling component lives.
pub fn connect(live: Live) {
    let tab: Shared = Rc::new(RefCell::new(Tab {
        live,
        channel: None,
        on_message: None,
        stream: None,
        release: None,
        leading: false,
        waiting: false,
        away: false,
        granted: None,
    }));
    join(&tab);
    let page_handlers = StoredValue::new_local(listen_to_the_page(&tab));
    // A stream the browser gave up on is not retried by the browser itself.
    let retry = {
        let tab = tab.clone();
        gloo_timers::callback::Interval::new(3_000, move || {
            let reopen = {
                let t = tab.borrow();
                let holds = t.leading || (t.granted.is_none() && !t.away);
                holds
                    && t.stream
                        .as_ref()
                        .is_none_or(|s| s.source.ready_state() == EventSource::CLOSED)
            };
            if reopen {
                let stream = open(&tab);
                tab.borrow_mut().stream = stream;
            }
        })
    };
    let retry = StoredValue::new_local(Some(retry));
    let kept = StoredValue::new_local(Some(tab));
    on_cleanup(move || {
        retry.set_value(None);
        page_handlers.set_value(Vec::new());
        if let Some(tab) = kept.try_get_value().flatten() {
            leave(&tab);
        }
        kept.set_value(None);
    });
}

/// Opens the channel and asks for the lock (or, without Web Locks, the stream).
fn join(tab: &Shared) {
    let channel = BroadcastChannel::new(CHANNEL).ok();
    let on_message = channel.as_ref().map(|c| {
        let tab = tab.clone();
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(relay) = e
                .data()
                .as_string()
                .and_then(|t| serde_json::from_str::<Relay>(&t).ok())
            else {
                return;
            };
            let (live, answer) = {
                let t = tab.borrow();
                let open = t.leading && t.live.connected.try_get_untracked() == Some(true);
                (t.live, relay == Relay::Hello && open)
            };
            if answer {
                tab.borrow().relay(&Relay::Open);
            }
            relay.apply(live);
        });
        c.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        handler
    });
    {
        let mut t = tab.borrow_mut();
        t.channel = channel;
        t.on_message = on_message;
        t.away = false;
        t.relay(&Relay::Hello);
    }
    // Whatever the holder says, read the running move now.
    let live = tab.borrow().live;
    live.refresh();
    ask_for_the_lock(tab);
}

/// Lets go of everything this tab holds: the stream, the lock, the channel.
fn leave(tab: &Shared) {
    let release = {
        let mut t = tab.borrow_mut();
        t.away = true;
        t.stream = None;
        t.leading = false;
        if let Some(c) = t.channel.take() {
            c.set_onmessage(None);
            c.close();
        }
        t.on_message = None;
        t.live.connected.set(false);
        t.release.take()
    };
    if let Some(release) = release {
        let _ = release.call0(&JsValue::NULL);
    }
}

fn ask_for_the_lock(tab: &Shared) {
    if tab.borrow().waiting || tab.borrow().leading {
        return;
    }
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks.as_ref().and_then(|l| {
        js_sys::Reflect::get(l, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        // No Web Locks (an insecure context, an old browser): this tab's own stream.
        let stream = open(tab);
        tab.borrow_mut().stream = stream;
        return;
    };
    let granted = {
        let tab = tab.clone();
        Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_lock: JsValue| {
            let away = tab.borrow().away;
            if away {
                // Granted after this tab was put away: pass it on at once.
                tab.borrow_mut().waiting = false;
                return js_sys::Promise::resolve(&JsValue::NULL);
            }
            let held = js_sys::Promise::new(&mut |resolve, _| {
                let mut t = tab.borrow_mut();
                t.release = Some(resolve);
                t.leading = true;
                t.waiting = false;
            });
            let stream = open(&tab);
            tab.borrow_mut().stream = stream;
            held
        })
    };
    let asked = request.call2(
        &locks,
        &JsValue::from_str(LOCK),
        granted.as_ref().unchecked_ref(),
    );
    let mut t = tab.borrow_mut();
    t.waiting = asked.is_ok();
    t.granted = Some(granted);
}

/// `pagehide` and `freeze` put the tab away; `pageshow` and `resume` bring it back.
fn listen_to_the_page(tab: &Shared) -> Vec<Closure<dyn FnMut(web_sys::Event)>> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let document = window.document();
    let mut handlers = Vec::new();
    let mut on = |target: &web_sys::EventTarget, name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
        let c = Closure::wrap(f);
        let _ = target.add_event_listener_with_callback(name, c.as_ref().unchecked_ref());
        handlers.push(c);
    };
    for (target, away, back) in [
        (
            window.unchecked_ref::<web_sys::EventTarget>().clone(),
            "pagehide",
            "pageshow",
        ),
        (
            document
                .map(|d| d.unchecked_into::<web_sys::EventTarget>())
                .unwrap_or_else(|| window.clone().unchecked_into()),
            "freeze",
            "resume",
        ),
    ] {
        let gone = tab.clone();
        on(&target, away, Box::new(move |_| leave(&gone)));
        let shown = tab.clone();
        on(
            &target,
            back,
            Box::new(move |_| {
                if shown.borrow().away {
                    join(&shown);
                }
            }),
        );
    }
    handlers
}

fn open(tab: &Shared) -> Option<Stream> {
    let source = EventSource::new("/api/events").ok()?;
    let mut handlers: Vec<Closure<dyn FnMut(web_sys::Event)>> = Vec::new();
    let mut on = |name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
        let c = Closure::wrap(f);
        let _ = source.add_event_listener_with_callback(name, c.as_ref().unchecked_ref());
        handlers.push(c);
    };
    let take = |tab: Shared,
                read: fn(&web_sys::Event) -> Option<Relay>|
     -> Box<dyn FnMut(web_sys::Event)> {
        Box::new(move |e: web_sys::Event| {
            let Some(relay) = read(&e) else { return };
            let live = {
                let t = tab.borrow();
                t.relay(&relay);
                t.live
            };
            relay.apply(live);
        })
    };
    on(
        "move",
        take(tab.clone(), |e| {
            e.dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
                .map(|data| Relay::Move { data })
        }),
    );
    on("channel", take(tab.clone(), |_| Some(Relay::Channel)));
    on(
        "thread",
        take(tab.clone(), |e| {
            e.dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
                .map(|data| Relay::Thread { data })
        }),
    );
    on("open", take(tab.clone(), |_| Some(Relay::Open)));
    on("error", take(tab.clone(), |_| Some(Relay::Closed)));
    Some(Stream {
        source,
        _handlers: handlers,
    })
}
