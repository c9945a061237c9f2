//! zonesim for the planning page: the library compiled to
//! `wasm32-unknown-unknown`, behind a plain `extern "C"` API that passes
//! UTF-8 text (TOML or JSON in, JSON out) through linear memory. No
//! wasm-bindgen: the page's worker (`web/src/worker.js`) does the copying.
//!
//! The protocol, for a call that takes text:
//!
//! 1. `zs_alloc(len)` returns a buffer of `len` bytes; the caller writes the
//!    UTF-8 input there;
//! 2. `zs_run(ptr, len, format)` (or `zs_load`, `zs_to_toml`) reads and frees
//!    the input and returns the length of its reply, a JSON object;
//! 3. the reply lies at `zs_reply_ptr()` until the next call.
//!
//! `format` is 0 for TOML, 1 for JSON. Every reply has `"ok"`; on `false`,
//! `"errors"` holds the library's messages with the field each is about
//! ([`api::FieldError`]). A run calls the imported `env.zs_progress(trials)`
//! after each batch of trials, so the worker can report progress.
//!
//! The same functions, on text, are [`api`]; they are tested natively.

pub mod api;

/// The CLI's own table renderers, so the page shows the text the CLI prints.
#[allow(dead_code, unused_imports)]
#[path = "../../../src/bin/zonesim/table/mod.rs"]
mod table;

use std::cell::RefCell;

thread_local! {
    /// The last reply; valid until the next call.
    static REPLY: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn reply(value: serde_json::Value) -> usize {
    let bytes = value.to_string().into_bytes();
    REPLY.with(|r| {
        let mut r = r.borrow_mut();
        *r = bytes;
        r.len()
    })
}

/// Takes ownership of an input buffer from [`zs_alloc`] and reads it as text.
///
/// # Safety
/// `ptr` and `len` must come from one [`zs_alloc`] call, not yet freed.
unsafe fn take_input(ptr: *mut u8, len: usize) -> String {
    if ptr.is_null() || len == 0 {
        return String::new();
    }
    // SAFETY: the caller's contract: a live allocation of exactly `len`
    // bytes made by `zs_alloc`, which leaked a boxed slice of that length.
    let bytes = unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) };
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A buffer of `len` bytes for the caller to write input into; handed back
/// by the call that reads it (or by [`zs_free`]).
#[unsafe(no_mangle)]
pub extern "C" fn zs_alloc(len: usize) -> *mut u8 {
    if len == 0 {
        return std::ptr::null_mut();
    }
    Box::into_raw(vec![0u8; len].into_boxed_slice()).cast::<u8>()
}

/// Frees a buffer from [`zs_alloc`] that no call has read.
///
/// # Safety
/// `ptr` and `len` must come from one [`zs_alloc`] call, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zs_free(ptr: *mut u8, len: usize) {
    // SAFETY: as the caller promises.
    drop(unsafe { take_input(ptr, len) });
}

/// Where the last reply lies in linear memory.
#[unsafe(no_mangle)]
pub extern "C" fn zs_reply_ptr() -> *const u8 {
    REPLY.with(|r| r.borrow().as_ptr())
}

/// The eu-hubs catalogue and the default study ([`api::catalogue`]); returns
/// the reply's length.
#[unsafe(no_mangle)]
pub extern "C" fn zs_catalogue() -> usize {
    reply(api::catalogue())
}

/// The eu-hubs catalogue as a runnable TOML scenario file
/// ([`api::catalogue_toml`]); the reply is `{ "ok": true, "text": ... }`.
#[unsafe(no_mangle)]
pub extern "C" fn zs_catalogue_toml() -> usize {
    reply(serde_json::json!({ "ok": true, "text": api::catalogue_toml() }))
}

/// Reads a scenario file for the page ([`api::load`]); `name` (the file's
/// name, for messages) and `text` are two buffers from [`zs_alloc`].
///
/// # Safety
/// Each pointer and length must come from one [`zs_alloc`] call, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zs_load(
    name_ptr: *mut u8,
    name_len: usize,
    ptr: *mut u8,
    len: usize,
    format: u32,
) -> usize {
    // SAFETY: as the caller promises.
    let name = unsafe { take_input(name_ptr, name_len) };
    // SAFETY: as the caller promises.
    let text = unsafe { take_input(ptr, len) };
    reply(api::load(&text, api::format_of(format), &name))
}

/// A JSON scenario written as TOML ([`api::to_toml`]).
///
/// # Safety
/// `ptr` and `len` must come from one [`zs_alloc`] call, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zs_to_toml(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: as the caller promises.
    let text = unsafe { take_input(ptr, len) };
    reply(api::to_toml(&text))
}

#[cfg(target_arch = "wasm32")]
mod host {
    #[link(wasm_import_module = "env")]
    unsafe extern "C" {
        /// The page's progress callback: `trials` more trials are done.
        pub fn zs_progress(trials: f64);
    }
}

fn progress(trials: u64) {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: an imported JS function taking a number; it cannot touch our memory.
    unsafe {
        host::zs_progress(trials as f64)
    };
    #[cfg(not(target_arch = "wasm32"))]
    let _ = trials;
}

/// Runs a scenario ([`api::run`]), calling `env.zs_progress` after each
/// batch of trials.
///
/// # Safety
/// `ptr` and `len` must come from one [`zs_alloc`] call, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zs_run(ptr: *mut u8, len: usize, format: u32) -> usize {
    // SAFETY: as the caller promises.
    let text = unsafe { take_input(ptr, len) };
    reply(api::run(&text, api::format_of(format), &progress))
}
