//! The crate's own async glue, in place of `wasm-bindgen-futures` (js-sys's `futures` module):
//! [`PromiseFuture`] awaits a JS promise; [`promise`] and [`detach`] run an [`Action`] to its end.
//!
//! Why not the library: its global task queue (`Queue`, `LazyCell`/`JsThreadLocal`, a
//! `VecDeque`) and its `RefCell` borrows reach `panic_already_borrowed` and `core::fmt` in the
//! shipped wasm (bench/README.md, size notes). The widget needs much less: every task is one boxed
//! [`Action`], and there is a single thread.
//!
//! How a task runs: [`promise`] and [`detach`] put the action in a task and queue a
//! microtask (`queueMicrotask`) that polls it, so the first poll happens after the caller returns,
//! as with `future_to_promise` ([`detach_after_frame`] queues that first poll after the next
//! frame instead, in a timer task). A wake queues one more microtask unless one is queued already.
//! A task is only ever polled from its microtask (or that first timer task), which JS runs on an
//! empty stack, so a poll never runs inside another poll; a wake that arrives during a poll (the future woke itself, or
//! something it called settled synchronously) queues the next poll, which runs after this one
//! returns. When the action finishes, its future is dropped (its guards clean up) before the JS
//! promise settles. A task is owned by whatever can wake it (its wakers) and, while queued, by its
//! microtask: a pending action whose wakers are all gone (say the promise it awaits through a
//! [`PromiseFuture`] was collected unsettled) is dropped with the last one, which cancels it like
//! any drop. (A future that keeps its own waker, like the popup runner's, forms a cycle instead;
//! the popup's always ends by its timeout.) A task waiting for its first frame is owned by the
//! two callbacks of `afterFrame`; the timer one always runs (within 100 ms, later in a background
//! tab whose timers the browser holds back), so a page that never draws does not keep it.
//!
//! Closures handed to JS (promise reactions, microtasks, `afterFrame`'s callback) are passed by value: wasm-bindgen then
//! frees their Rust side when JS garbage-collects the function (its `FinalizationRegistry`), so a
//! reaction that never runs leaks nothing once its promise is collected, and one that runs late
//! (after its [`PromiseFuture`] was dropped) still calls a live closure that harms nothing.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What a settled promise gives: its value, or its rejection reason.
pub type Outcome = core::result::Result<JsValue, JsValue>;

/// A running widget action. Boxed, so the executor is compiled once for every action.
pub type Action = Pin<Box<dyn Future<Output = Outcome>>>;

#[wasm_bindgen]
extern "C" {
    /// A promise, seen through the one method used here.
    type Thenable;

    /// `promise.then(on_ok, on_err)`. The closures go to JS by value (freed when collected);
    /// the promise `then` returns is not used.
    #[wasm_bindgen(method, js_name = then)]
    fn then_owned(
        this: &Thenable,
        on_ok: Closure<dyn FnMut(JsValue)>,
        on_err: Closure<dyn FnMut(JsValue)>,
    );

    /// The global `queueMicrotask(callback)` (every browser the widget supports has it).
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: Closure<dyn FnMut()>);
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `deferred`: `[promise, resolve, reject]` of a new promise. One call
    /// instead of `new Promise` with a Rust closure to catch the two functions (its glue and
    /// invoke shim).
    fn deferred() -> js_sys::Array;

    /// js/wasm/browser.js `callWith`: `f(value)` for a promise's own `resolve`/`reject`, which
    /// cannot throw. Imported directly (no glue, no `Result`), where `Function::call1` catches.
    #[wasm_bindgen(js_name = callWith)]
    fn call_with(f: &js_sys::Function, value: &JsValue);

    /// js/wasm/browser.js `afterFrame`: `callback()` once the frame drawing the page's latest
    /// changes is drawn, and after 100 ms in any case (a page that draws no frames); called
    /// twice when both come, so the callback must ignore its second call.
    #[wasm_bindgen(js_name = afterFrame)]
    fn after_frame(callback: Closure<dyn FnMut()>);
}

// ---------------------------------------------------------------------------------------------
// A JS promise as a future

/// A JS promise as a Rust future: resolves to `Ok(value)` or `Err(reason)`.
///
/// Ownership, so that nothing leaks and nothing forms a cycle: the outcome cell is shared by the
/// future and its two reactions; the waker cell belongs to the reactions (JS owns them), and the
/// future only reaches it through a `Weak` to register its waker. So a task waiting on a promise
/// is kept alive by that promise's reactions, not by itself: if JS collects a promise that can no
/// longer settle, the waker and then the task go with it. Dropping the future early is fine: it
/// takes its waker back out, and a late reaction stores the value where nobody reads it (freed
/// with the reactions).
pub struct PromiseFuture {
    outcome: Rc<Cell<Option<Outcome>>>,
    waker: Weak<Cell<Option<Waker>>>,
}

impl From<Promise> for PromiseFuture {
    fn from(promise: Promise) -> Self {
        let outcome = Rc::new(Cell::new(None));
        let waker = Rc::new(Cell::new(None));
        let future = PromiseFuture {
            outcome: outcome.clone(),
            waker: Rc::downgrade(&waker),
        };
        promise.unchecked_ref::<Thenable>().then_owned(
            reaction(outcome.clone(), waker.clone(), true),
            reaction(outcome, waker, false),
        );
        future
    }
}

/// The fulfilment (`ok`) or rejection reaction: stores the outcome, wakes the waiting task.
fn reaction(
    outcome: Rc<Cell<Option<Outcome>>>,
    waker: Rc<Cell<Option<Waker>>>,
    ok: bool,
) -> Closure<dyn FnMut(JsValue)> {
    Closure::new(move |value: JsValue| {
        outcome.set(Some(if ok { Ok(value) } else { Err(value) }));
        if let Some(waker) = waker.take() {
            waker.wake();
        }
    })
}

impl Future for PromiseFuture {
    type Output = Outcome;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        if let Some(outcome) = self.outcome.take() {
            return Poll::Ready(outcome);
        }
        // Gone only when JS dropped the reactions unsettled: nothing can wake us any more.
        if let Some(waker) = self.waker.upgrade() {
            waker.set(Some(cx.waker().clone()));
        }
        Poll::Pending
    }
}

impl Drop for PromiseFuture {
    fn drop(&mut self) {
        // A late settlement must not wake (or keep alive) the task that dropped us.
        if let Some(waker) = self.waker.upgrade() {
            waker.take();
        }
    }
}

/// A promise whose outcome a closure reads once it settles: what an `async fn` with one
/// `.await` of a [`PromiseFuture`] does, without a state machine of its own (no resume panic,
/// no drop paths), so every function of that shape (`http::fetch`, `http::send`, ...) is a sync
/// start returning one of these. The promise is made when the function is called.
///
/// The closure is a type parameter, not a `fn` pointer: an indirect call would make wasm-opt keep
/// every function of the same signature in the table (core's `Display` impls among them).
pub struct Then<F> {
    promise: PromiseFuture,
    read: F,
}

impl<T, F: Fn(Outcome) -> T> Then<F> {
    /// Awaits `promise`, then gives `read(outcome)`.
    pub fn new(promise: Promise, read: F) -> Self {
        Then {
            promise: promise.into(),
            read,
        }
    }
}

impl<T, F: Fn(Outcome) -> T + Unpin> Future for Then<F> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        Pin::new(&mut this.promise).poll(cx).map(&this.read)
    }
}

// ---------------------------------------------------------------------------------------------
// The executor (wasm32 only: it needs JS, and its waker relies on the single thread)

// The waker below is an `Rc` behind `RawWaker`, which is only sound when no second thread can
// hold it: wasm32 without the `atomics` target feature cannot start threads.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("account-link's task executor is single-threaded: build without `atomics`");

/// The JS promise of `action`: resolved with its `Ok` value, rejected with its `Err` value.
/// The action is first polled in a microtask, after this returns.
#[cfg(target_arch = "wasm32")]
pub fn promise(action: Action) -> Promise {
    let parts = deferred();
    let settle = (parts.get(1).unchecked_into(), parts.get(2).unchecked_into());
    spawn(action, Some(settle), false);
    parts.get(0).unchecked_into()
}

/// Runs `action` to its end, ignoring its outcome (the caller reported it already).
#[cfg(target_arch = "wasm32")]
pub fn detach(action: Action) {
    spawn(action, None, false);
}

/// [`detach`], first polled after the frame that draws the page's latest changes (or after
/// 100 ms, where no frame comes) rather than in a microtask (js/wasm/browser.js `afterFrame`):
/// for work that would otherwise delay the first frame of what the caller just put on screen.
/// Later polls are microtasks, as for every task.
#[cfg(target_arch = "wasm32")]
pub fn detach_after_frame(action: Action) {
    spawn(action, None, true);
}

/// How many tasks are alive (queued, waiting or being polled). Zero once every action has
/// finished or been dropped: tests use it to prove a finished task is freed.
#[cfg(target_arch = "wasm32")]
pub fn live_tasks() -> usize {
    LIVE_TASKS.load(core::sync::atomic::Ordering::Relaxed)
}

// An atomic rather than a `thread_local!` (std only): on single-threaded wasm a relaxed atomic
// is a plain load and store.
#[cfg(target_arch = "wasm32")]
static LIVE_TASKS: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

/// One spawned action.
#[cfg(target_arch = "wasm32")]
struct Task {
    /// The action; `None` while it is being polled and once it has finished.
    future: Cell<Option<Action>>,
    /// A poll is queued (a microtask, or the first poll's `afterFrame`) and has not started yet.
    queued: Cell<bool>,
    /// The JS promise's `resolve` and `reject` ([`promise`]), or nothing ([`detach`]).
    settle: Option<(js_sys::Function, js_sys::Function)>,
}

#[cfg(target_arch = "wasm32")]
impl Drop for Task {
    fn drop(&mut self) {
        LIVE_TASKS.fetch_sub(1, core::sync::atomic::Ordering::Relaxed);
    }
}

/// Starts a task; its first poll is a microtask, or after the next frame (`after_next_frame`).
#[cfg(target_arch = "wasm32")]
fn spawn(
    action: Action,
    settle: Option<(js_sys::Function, js_sys::Function)>,
    after_next_frame: bool,
) {
    LIVE_TASKS.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    let task = Rc::new(Task {
        future: Cell::new(Some(action)),
        queued: Cell::new(false),
        settle,
    });
    schedule(task, after_next_frame);
}

/// Queues a poll of `task` (a microtask, or after the next frame) unless one is queued already.
/// The callback's closure owns a reference, so a queued task stays alive until it has been
/// polled.
#[cfg(target_arch = "wasm32")]
fn schedule(task: Rc<Task>, after_next_frame: bool) {
    if !task.queued.replace(true) {
        // `Closure::new` over an `Option` taken on the first call, not `Closure::once`: the same
        // release of the task after its poll, without wasm-bindgen's `FnOnce` wrapper (its boxed
        // adapter and "called more than once" throw, about 0.5 KB). JS calls it once anyway.
        let mut task = Some(task);
        let poll = Closure::new(move || {
            if let Some(task) = task.take() {
                run(&task);
            }
        });
        if after_next_frame {
            after_frame(poll);
        } else {
            queue_microtask(poll);
        }
    }
}

/// Polls `task` once (from its queued callback only, never from inside another poll).
#[cfg(target_arch = "wasm32")]
fn run(task: &Rc<Task>) {
    // Cleared before polling: a wake during the poll queues the next one.
    task.queued.set(false);
    // `None`: the task finished already (a late wake), nothing to do.
    let Some(mut future) = task.future.take() else {
        return;
    };
    let waker = waker::new(task.clone());
    match future.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Pending => task.future.set(Some(future)),
        Poll::Ready(outcome) => {
            // Drop the action (its guards clean up) before JS sees the result.
            drop(future);
            if let Some((resolve, reject)) = &task.settle {
                let (settle, value) = match &outcome {
                    Ok(value) => (resolve, value),
                    Err(reason) => (reject, reason),
                };
                // Calling a promise's own resolve/reject function does not throw.
                call_with(settle, value);
            }
        }
    }
}

/// A [`Waker`] over an `Rc<Task>`.
///
/// `Waker` is `Send + Sync`; an `Rc` is neither. This is sound here because the executor only
/// exists on wasm32 without atomics (see the `compile_error!` above), where there is exactly one
/// thread: no waker can ever be used, cloned or dropped from another thread, so the `Rc`'s
/// non-atomic count is never raced.
#[cfg(target_arch = "wasm32")]
mod waker {
    use super::{schedule, Task};
    use alloc::rc::Rc;
    use core::task::{RawWaker, RawWakerVTable, Waker};

    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop);

    /// A waker owning `task` (one strong count, released when the waker is dropped or woken).
    pub(super) fn new(task: Rc<Task>) -> Waker {
        // SAFETY: the data pointer owns one strong count of an `Rc<Task>`, which is what every
        // function of `VTABLE` expects; single-threaded (module docs).
        unsafe { Waker::from_raw(RawWaker::new(Rc::into_raw(task).cast(), &VTABLE)) }
    }

    unsafe fn clone(data: *const ()) -> RawWaker {
        // SAFETY: `data` holds a strong count (it came from `new` or `clone`); the new waker
        // owns one more.
        unsafe { Rc::increment_strong_count(data.cast::<Task>()) };
        RawWaker::new(data, &VTABLE)
    }

    unsafe fn wake(data: *const ()) {
        // SAFETY: takes over the waker's strong count, which `schedule` keeps or drops.
        schedule(unsafe { Rc::from_raw(data.cast::<Task>()) }, false);
    }

    unsafe fn wake_by_ref(data: *const ()) {
        // SAFETY: the waker keeps its own count; `schedule` gets a new one.
        unsafe { Rc::increment_strong_count(data.cast::<Task>()) };
        schedule(unsafe { Rc::from_raw(data.cast::<Task>()) }, false);
    }

    unsafe fn drop(data: *const ()) {
        // SAFETY: releases the count the dropped waker owned.
        unsafe { Rc::decrement_strong_count(data.cast::<Task>()) };
    }
}
