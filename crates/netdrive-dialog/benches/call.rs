//! `disconnect_dialog` and `connect_dialog` call-to-return time over 1,000 calls each
//! (each closed at once).
//! Goal: p99 under 1 ms: the call must only start a worker, never wait for the window.
//! Run: `cargo bench -p netdrive-dialog --bench call`.

use std::time::{Duration, Instant};

use netdrive_dialog::{
    connect_dialog1_with, disconnect_dialog_with, ConnectDlg, DialogHandle, DialogOptions, Owner, Surface,
    RESOURCETYPE_DISK,
};

/// Call-to-return times of `call` over 1,000 calls, sorted.
fn time(call: impl Fn() -> Result<DialogHandle, netdrive::Error>) -> Vec<Duration> {
    let mut times: Vec<Duration> = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let start = Instant::now();
        let h = call();
        times.push(start.elapsed());
        if let Ok(h) = h {
            h.close();
            let _ = h.wait_timeout(Duration::from_secs(5));
        }
    }
    times.sort();
    times
}

fn report(case: &str, times: &[Duration]) {
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let (p50, p99) = (p(0.50), p(0.99));
    println!(
        "{case:<25} {:<10} {:<10} {:<10} {}",
        format!("{:.3}ms", p50.as_secs_f64() * 1e3),
        format!("{:.3}ms", p99.as_secs_f64() * 1e3),
        "p99 < 1ms",
        if p99 < Duration::from_millis(1) { "yes" } else { "NO" }
    );
}

fn main() {
    // No display, and the window asked for (not the terminal dialog, which would take
    // this terminal): each helper ends at once, so closing is cheap and nothing is shown.
    std::env::remove_var("DISPLAY");
    std::env::remove_var("WAYLAND_DISPLAY");
    let window = DialogOptions { surface: Surface::Window, ..DialogOptions::default() };
    let disconnect = time(|| disconnect_dialog_with(Owner::None, RESOURCETYPE_DISK, &window));
    let connect = time(|| connect_dialog1_with(&ConnectDlg::default(), &window));
    println!("case                      p50        p99        goal       met");
    report("disconnect_dialog call", &disconnect);
    report("connect_dialog call", &connect);
}
