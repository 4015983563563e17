//! `disconnect_dialog` call-to-return time over 1,000 calls (each closed at once).
//! Goal: p99 under 1 ms: the call must only start a worker, never wait for the window.
//! Run: `cargo bench -p netdrive-dialog --bench call`.

use std::time::{Duration, Instant};

use netdrive_dialog::{disconnect_dialog, Owner, RESOURCETYPE_DISK};

fn main() {
    // No display: each helper ends at once, so closing is cheap and nothing is shown.
    std::env::remove_var("DISPLAY");
    std::env::remove_var("WAYLAND_DISPLAY");
    let mut times: Vec<Duration> = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let start = Instant::now();
        let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK);
        times.push(start.elapsed());
        if let Ok(h) = h {
            h.close();
            let _ = h.wait_timeout(Duration::from_secs(5));
        }
    }
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let (p50, p99) = (p(0.50), p(0.99));
    println!("case                      p50        p99        goal       met");
    println!(
        "disconnect_dialog call    {:<10} {:<10} {:<10} {}",
        format!("{:.3}ms", p50.as_secs_f64() * 1e3),
        format!("{:.3}ms", p99.as_secs_f64() * 1e3),
        "p99 < 1ms",
        if p99 < Duration::from_millis(1) { "yes" } else { "NO" }
    );
}
