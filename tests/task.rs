//! Browser tests of the crate's executor (src/task.rs): promises as futures (resolve, reject,
//! late settlement, a future dropped before its promise settles) and tasks (`promise`, `detach`:
//! first poll in a microtask, woken while polling, never polled re-entrantly, many awaits, freed
//! when finished). Every wait is bounded, so a broken executor fails instead of hanging.

// Browser-only: `cargo test` on the host skips this file.
#![cfg(target_arch = "wasm32")]

use account_link::task::{self, live_tasks, Action, PromiseFuture, Then};
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

/// A promise resolved with `value` after `ms` (a timer: a later task, not a microtask).
fn later(ms: i32, value: JsValue) -> Promise {
    Promise::new(&mut |resolve, _| {
        let args = js_sys::Array::of1(&value);
        window()
            .set_timeout_with_callback_and_timeout_and_arguments(&resolve, ms, &args)
            .unwrap();
    })
}

async fn sleep(ms: i32) {
    PromiseFuture::from(later(ms, JsValue::UNDEFINED))
        .await
        .unwrap();
}

/// `promise`'s outcome, or a panic when it has not settled within 2 s.
async fn within(promise: Promise) -> Result<JsValue, JsValue> {
    let timeout = later(2000, "TIMEOUT".into());
    let raced = Promise::race(&js_sys::Array::of2(&promise, &timeout));
    let outcome = PromiseFuture::from(raced).await;
    assert_ne!(
        outcome.as_ref().ok().and_then(|v| v.as_string()).as_deref(),
        Some("TIMEOUT"),
        "the task did not finish within 2 s"
    );
    outcome
}

/// A promise and its `resolve` and `reject` functions, to settle it from the test.
fn deferred() -> (Promise, Function, Function) {
    let mut parts = None;
    let promise = Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
    let (resolve, reject) = parts.unwrap();
    (promise, resolve, reject)
}

/// Counts `unhandledrejection` and `error` events on the window while alive: a reaction that
/// throws (for example a closure called after being freed) shows up as one of them.
struct UncaughtCounter {
    count: Rc<Cell<u32>>,
    listener: Closure<dyn FnMut(web_sys::Event)>,
}

impl UncaughtCounter {
    fn new() -> Self {
        let count = Rc::new(Cell::new(0));
        let c = count.clone();
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| c.set(c.get() + 1));
        for kind in ["unhandledrejection", "error"] {
            window()
                .add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref())
                .unwrap();
        }
        Self { count, listener }
    }
}

impl Drop for UncaughtCounter {
    fn drop(&mut self) {
        for kind in ["unhandledrejection", "error"] {
            let _ = window()
                .remove_event_listener_with_callback(kind, self.listener.as_ref().unchecked_ref());
        }
    }
}

/// A waker for polling by hand that counts its wakes and its live copies.
#[derive(Default)]
struct Probe {
    wakes: Cell<u32>,
    alive: Cell<u32>,
}

fn probe_waker(probe: &Rc<Probe>) -> Waker {
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop);
    unsafe fn clone(p: *const ()) -> RawWaker {
        let probe = unsafe { &*p.cast::<Probe>() };
        probe.alive.set(probe.alive.get() + 1);
        RawWaker::new(p, &VTABLE)
    }
    unsafe fn wake(p: *const ()) {
        unsafe {
            wake_by_ref(p);
            drop(p);
        }
    }
    unsafe fn wake_by_ref(p: *const ()) {
        let probe = unsafe { &*p.cast::<Probe>() };
        probe.wakes.set(probe.wakes.get() + 1);
    }
    unsafe fn drop(p: *const ()) {
        let probe = unsafe { &*p.cast::<Probe>() };
        probe.alive.set(probe.alive.get() - 1);
    }
    // The probe outlives every waker in these tests (checked through `alive`).
    probe.alive.set(probe.alive.get() + 1);
    unsafe { Waker::from_raw(RawWaker::new(Rc::as_ptr(probe).cast(), &VTABLE)) }
}

fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

// ---------------------------------------------------------------------------------------------
// PromiseFuture

#[wasm_bindgen_test]
async fn promise_future_gives_the_value_of_a_resolved_promise() {
    let value = PromiseFuture::from(Promise::resolve(&JsValue::from(42))).await;
    assert_eq!(value.unwrap().as_f64(), Some(42.0));
}

#[wasm_bindgen_test]
async fn promise_future_gives_the_reason_of_a_rejected_promise() {
    let reason = PromiseFuture::from(Promise::reject(&"no".into())).await;
    assert_eq!(reason.unwrap_err().as_string().as_deref(), Some("no"));
}

#[wasm_bindgen_test]
async fn promise_future_waits_for_a_later_settlement() {
    let value = PromiseFuture::from(later(30, "late".into())).await;
    assert_eq!(value.unwrap().as_string().as_deref(), Some("late"));

    let (promise, _, reject) = deferred();
    let future = PromiseFuture::from(promise);
    let settle = later(20, JsValue::UNDEFINED);
    let reject_later = Closure::once(move |_: JsValue| {
        reject.call1(&JsValue::NULL, &"late no".into()).unwrap();
    });
    let _ = settle.then(&reject_later);
    assert_eq!(
        future.await.unwrap_err().as_string().as_deref(),
        Some("late no")
    );
}

#[wasm_bindgen_test]
async fn a_pending_promise_future_wakes_its_waker_once_when_settled() {
    let (promise, resolve, _) = deferred();
    let mut future = PromiseFuture::from(promise);
    let probe = Rc::new(Probe::default());
    let waker = probe_waker(&probe);
    assert!(poll_once(&mut future, &waker).is_pending());
    assert!(poll_once(&mut future, &waker).is_pending());
    assert_eq!(probe.wakes.get(), 0);
    resolve.call1(&JsValue::NULL, &7.into()).unwrap();
    sleep(0).await;
    assert_eq!(probe.wakes.get(), 1, "woken once by the settlement");
    match poll_once(&mut future, &waker) {
        Poll::Ready(Ok(v)) => assert_eq!(v.as_f64(), Some(7.0)),
        _ => panic!("ready with the value after the wake"),
    }
    drop(future);
    drop(waker);
    assert_eq!(probe.alive.get(), 0, "no copy of the waker is kept");
}

#[wasm_bindgen_test]
async fn then_reads_the_outcome_once_its_promise_settles() {
    let read = |outcome: Result<JsValue, JsValue>| match outcome {
        Ok(v) => format!("ok {}", v.as_f64().unwrap()),
        Err(r) => format!("err {}", r.as_string().unwrap()),
    };
    assert_eq!(
        Then::new(Promise::resolve(&JsValue::from(5)), read).await,
        "ok 5"
    );
    assert_eq!(
        Then::new(Promise::reject(&JsValue::from("no")), read).await,
        "err no"
    );
    // Pending until the settlement wakes it, then ready with the read value.
    let (promise, resolve, _) = deferred();
    let mut then = Then::new(promise, read);
    let probe = Rc::new(Probe::default());
    let waker = probe_waker(&probe);
    assert!(poll_once(&mut then, &waker).is_pending());
    resolve.call1(&JsValue::NULL, &9.into()).unwrap();
    sleep(0).await;
    assert_eq!(probe.wakes.get(), 1);
    assert_eq!(poll_once(&mut then, &waker), Poll::Ready("ok 9".to_owned()));
}

#[wasm_bindgen_test]
async fn a_promise_future_dropped_before_its_promise_settles_is_harmless() {
    let uncaught = UncaughtCounter::new();
    let probe = Rc::new(Probe::default());
    let waker = probe_waker(&probe);

    // Polled (its waker registered), then dropped; the promise resolves afterwards.
    let (resolved, resolve, _) = deferred();
    let mut future = PromiseFuture::from(resolved);
    assert!(poll_once(&mut future, &waker).is_pending());
    assert_eq!(
        probe.alive.get(),
        2,
        "the pending future holds a copy of the waker"
    );
    drop(future);
    assert_eq!(
        probe.alive.get(),
        1,
        "dropping the future gave the waker back"
    );

    // Polled, dropped, then rejected: the rejection is handled (no unhandledrejection).
    let (rejected, _, reject) = deferred();
    let mut future = PromiseFuture::from(rejected);
    assert!(poll_once(&mut future, &waker).is_pending());
    drop(future);

    // Never polled at all.
    let (unpolled, resolve_unpolled, _) = deferred();
    drop(PromiseFuture::from(unpolled));

    resolve.call1(&JsValue::NULL, &1.into()).unwrap();
    reject.call1(&JsValue::NULL, &"late".into()).unwrap();
    resolve_unpolled.call1(&JsValue::NULL, &2.into()).unwrap();
    // Reactions run as microtasks, unhandled rejections are reported after them: a timer later
    // both have happened.
    sleep(50).await;
    assert_eq!(
        probe.wakes.get(),
        0,
        "a dropped future's waker is not woken"
    );
    drop(waker);
    assert_eq!(probe.alive.get(), 0);
    assert_eq!(
        uncaught.count.get(),
        0,
        "a late settlement threw or went unhandled"
    );
}

// ---------------------------------------------------------------------------------------------
// Tasks: promise() and detach()

fn action(f: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Action {
    Box::pin(f)
}

#[wasm_bindgen_test]
async fn promise_resolves_and_rejects_with_the_action_outcome() {
    let ok = task::promise(action(async { Ok("yes".into()) }));
    assert_eq!(
        within(ok).await.unwrap().as_string().as_deref(),
        Some("yes")
    );

    let err = task::promise(action(async {
        let v = PromiseFuture::from(later(10, 5.into())).await?;
        Err(v)
    }));
    assert_eq!(within(err).await.unwrap_err().as_f64(), Some(5.0));
}

#[wasm_bindgen_test]
async fn the_first_poll_runs_in_a_microtask_after_the_caller() {
    let polled = Rc::new(Cell::new(false));
    let p = polled.clone();
    let promise = task::promise(action(async move {
        p.set(true);
        Ok(JsValue::UNDEFINED)
    }));
    assert!(
        !polled.get(),
        "polled inside promise(): before the caller returned"
    );
    within(promise).await.unwrap();
    assert!(polled.get());

    let polled = Rc::new(Cell::new(false));
    let p = polled.clone();
    task::detach(action(async move {
        p.set(true);
        Ok(JsValue::UNDEFINED)
    }));
    assert!(!polled.get(), "polled inside detach()");
    within(Promise::resolve(&JsValue::UNDEFINED)).await.unwrap();
    assert!(polled.get(), "polled by the next microtask checkpoint");
}

/// Wakes itself (by reference, then by value through a clone) on its first polls and records
/// any poll that starts while another one is running.
struct SelfWaking {
    polls: Rc<Cell<u32>>,
    in_poll: Rc<Cell<bool>>,
    reentered: Rc<Cell<bool>>,
}

impl Future for SelfWaking {
    type Output = Result<JsValue, JsValue>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.in_poll.replace(true) {
            self.reentered.set(true);
        }
        let n = self.polls.get() + 1;
        self.polls.set(n);
        let out = match n {
            1 => {
                cx.waker().wake_by_ref();
                cx.waker().wake_by_ref(); // a second wake while queued: still one poll
                Poll::Pending
            }
            2 => {
                let copy = cx.waker().clone();
                let other = copy.clone();
                drop(copy);
                other.wake();
                Poll::Pending
            }
            _ => Poll::Ready(Ok(n.into())),
        };
        self.in_poll.set(false);
        out
    }
}

#[wasm_bindgen_test]
async fn a_task_woken_while_being_polled_is_polled_again_later() {
    let before = live_tasks();
    let polls = Rc::new(Cell::new(0));
    let reentered = Rc::new(Cell::new(false));
    let promise = task::promise(Box::pin(SelfWaking {
        polls: polls.clone(),
        in_poll: Rc::new(Cell::new(false)),
        reentered: reentered.clone(),
    }));
    let done = within(promise).await.unwrap();
    assert_eq!(done.as_f64(), Some(3.0), "ready on the third poll");
    assert_eq!(polls.get(), 3, "one poll per wake, none lost, none extra");
    assert!(!reentered.get(), "a poll started inside another poll");
    assert_eq!(live_tasks(), before, "the finished task was freed");
}

/// Wakes a waker stored by another future during its own poll, synchronously: the other task
/// is queued, not polled inside this poll.
#[wasm_bindgen_test]
async fn a_task_woken_by_another_task_while_that_one_polls_is_not_polled_inside_it() {
    let stored: Rc<RefCell<Option<Waker>>> = Rc::default();
    let running = Rc::new(Cell::new(false));
    let overlap = Rc::new(Cell::new(false));

    // Task A: waits until woken, checking it is not polled while B runs.
    let (s, r, o) = (stored.clone(), running.clone(), overlap.clone());
    let mut first = true;
    let a = task::promise(Box::pin(core::future::poll_fn(move |cx| {
        if r.get() {
            o.set(true);
        }
        if first {
            first = false;
            *s.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        } else {
            Poll::Ready(Ok("a".into()))
        }
    })));

    // Task B: wakes A from inside its own poll.
    let (s, r) = (stored.clone(), running.clone());
    let b = task::promise(action(async move {
        sleep(0).await;
        r.set(true);
        if let Some(w) = s.borrow_mut().take() {
            w.wake();
        }
        r.set(false);
        Ok("b".into())
    }));

    assert_eq!(within(b).await.unwrap().as_string().as_deref(), Some("b"));
    assert_eq!(within(a).await.unwrap().as_string().as_deref(), Some("a"));
    assert!(!overlap.get(), "A was polled inside B's poll");
}

#[wasm_bindgen_test]
async fn many_sequential_awaits_in_one_task() {
    let before = live_tasks();
    let promise = task::promise(action(async {
        let mut sum = 0.0;
        for i in 0..2000 {
            let v = PromiseFuture::from(Promise::resolve(&JsValue::from(i))).await?;
            sum += v.as_f64().unwrap_or(f64::NAN);
            if i % 500 == 0 {
                // Some waits on timers too (a later task, not a microtask).
                sleep(0).await;
            }
        }
        Ok(sum.into())
    }));
    let sum = within(promise).await.unwrap().as_f64();
    assert_eq!(sum, Some((0..2000).sum::<i32>() as f64));
    assert_eq!(live_tasks(), before);
}

#[wasm_bindgen_test]
async fn many_tasks_at_once_all_finish_and_are_freed() {
    let before = live_tasks();
    let finished = Rc::new(Cell::new(0u32));
    let promises = js_sys::Array::new();
    for i in 0..100 {
        let f = finished.clone();
        let work = action(async move {
            for _ in 0..5 {
                PromiseFuture::from(Promise::resolve(&JsValue::NULL)).await?;
            }
            sleep(i % 7).await;
            f.set(f.get() + 1);
            Ok(i.into())
        });
        if i % 2 == 0 {
            promises.push(&task::promise(work));
        } else {
            task::detach(work);
        }
    }
    assert!(live_tasks() >= before + 100);
    let all = within(Promise::all(&promises)).await.unwrap();
    assert_eq!(js_sys::Array::from(&all).length(), 50);
    // The detached ones have at most a few ms more to go.
    sleep(50).await;
    assert_eq!(finished.get(), 100);
    assert_eq!(live_tasks(), before, "every finished task was freed");
}

/// Sets its flag when dropped.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

/// `inner` with a flag that only the future's drop sets.
struct Guarded {
    _flag: DropFlag,
    inner: Action,
}

impl Future for Guarded {
    type Output = Result<JsValue, JsValue>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().inner.as_mut().poll(cx)
    }
}

#[wasm_bindgen_test]
async fn a_finished_action_is_dropped_before_its_promise_settles() {
    let dropped = Rc::new(Cell::new(false));
    // Resolving a promise with an object reads its `then` synchronously, inside `resolve`: a
    // getter there sees whether the action was already dropped at that moment.
    let seen = dropped.clone();
    let at_resolve = Rc::new(Cell::new(None));
    let a = at_resolve.clone();
    let getter = Closure::<dyn FnMut() -> JsValue>::new(move || {
        // The first read only: resolving later promises with the value (`Promise.race` below)
        // reads it again.
        if a.get().is_none() {
            a.set(Some(seen.get()));
        }
        JsValue::UNDEFINED
    });
    let value = js_sys::Object::new();
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"get".into(), getter.as_ref()).unwrap();
    js_sys::Object::define_property(&value, &"then".into(), &descriptor);

    // The flag belongs to the future itself, not to the async body (whose locals are gone
    // when it returns): only dropping the future sets it.
    let promise = task::promise(Box::pin(Guarded {
        _flag: DropFlag(dropped.clone()),
        inner: action(async move {
            sleep(5).await;
            Ok(value.into())
        }),
    }));
    within(promise).await.unwrap();
    assert_eq!(
        at_resolve.get(),
        Some(true),
        "the action was still alive when its promise was resolved"
    );
}

#[wasm_bindgen_test]
async fn a_detached_action_runs_to_its_end_and_is_freed() {
    let before = live_tasks();
    let dropped = Rc::new(Cell::new(false));
    let steps = Rc::new(Cell::new(0));
    let (flag, s) = (DropFlag(dropped.clone()), steps.clone());
    task::detach(action(async move {
        let _flag = flag;
        for _ in 0..3 {
            sleep(5).await;
            s.set(s.get() + 1);
        }
        // A failure of a detached action is dropped, not thrown.
        Err("ignored".into())
    }));
    assert_eq!(live_tasks(), before + 1);
    for _ in 0..200 {
        if dropped.get() {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(steps.get(), 3);
    assert!(dropped.get(), "the finished action was not dropped");
    assert_eq!(live_tasks(), before);
}

/// A promise resolved inside the next animation frame's callbacks (one registered now runs after
/// those registered before it, in the same frame).
fn next_frame() -> Promise {
    Promise::new(&mut |resolve, _| {
        window().request_animation_frame(&resolve).unwrap();
    })
}

/// `detach_after_frame`: not polled in the microtask after the call nor when the next frame
/// begins (its callbacks run first), polled once that frame is drawn; its later polls are
/// microtasks like every task's; freed when it ends, though `afterFrame`'s 100 ms timer calls
/// its poll a second time (which does nothing).
#[wasm_bindgen_test]
async fn a_task_detached_after_the_frame_is_first_polled_after_that_frame() {
    let before = live_tasks();
    let polls = Rc::new(Cell::new(0));
    let dropped = Rc::new(Cell::new(false));
    let (p, flag) = (polls.clone(), DropFlag(dropped.clone()));
    task::detach_after_frame(action(async move {
        let _flag = flag;
        p.set(p.get() + 1);
        // Resolved in a microtask: the next poll must come from one too, before any timer.
        PromiseFuture::from(Promise::resolve(&JsValue::UNDEFINED))
            .await
            .unwrap();
        p.set(p.get() + 1);
        Ok(JsValue::UNDEFINED)
    }));
    within(Promise::resolve(&JsValue::UNDEFINED)).await.unwrap();
    assert_eq!(polls.get(), 0, "polled by the microtask checkpoint");
    within(next_frame()).await.unwrap();
    assert_eq!(polls.get(), 0, "polled before the frame's callbacks ran");
    for _ in 0..100 {
        if dropped.get() {
            break;
        }
        sleep(5).await;
    }
    assert_eq!(polls.get(), 2, "both steps ran");
    assert!(dropped.get(), "the finished action was not dropped");
    // Past afterFrame's 100 ms timer, which calls the finished task's poll again.
    sleep(150).await;
    assert_eq!(polls.get(), 2);
    assert_eq!(live_tasks(), before, "the task was freed");
}
